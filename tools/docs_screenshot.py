"""Photograph one offline docs page in headless Chromium (for a review or an issue note).

    python tools/build_docs.py --html && python tools/docs_screenshot.py _docs/04_evaluate.html --out /tmp/page.png

The browser is Debian's Chromium driven by Playwright (tests/app_server.py), stopped at the end.
"""
import argparse, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO/'tests'))
from app_server import chromium   # noqa: E402

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('page', help='an HTML page written by tools/build_docs.py --html')
    parser.add_argument('--out', required=True, help='PNG to write')
    parser.add_argument('--width', type=int, default=1200)
    parser.add_argument('--height', type=int, default=1600, help='0: the whole page')
    parser.add_argument('--anchor', default=None, help='scroll to this element id first')
    args = parser.parse_args()
    with chromium() as browser:
        page = browser.new_page(viewport={'width': args.width, 'height': args.height or 900})
        page.goto(Path(args.page).resolve().as_uri(), wait_until='load')
        if args.anchor: page.evaluate(f'document.getElementById({args.anchor!r}).scrollIntoView()')
        page.screenshot(path=args.out, full_page=args.height == 0)
        page.close()
    print(f'{args.out} written')

if __name__ == '__main__': main()
