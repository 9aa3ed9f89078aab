"""Photograph the real predictor page for the docs: nbs/images/predictor.png.

    python tools/app_screenshot.py            # from the repository root; needs pip install -e ".[dev]" and apt-get install chromium

Starts `skin-nbdev app` (the shipped model), opens it in headless Chromium, presses "Try the example
pictures" (eight CC0 dermoscopy pictures of ISIC 2017 that ship with the package), uploads a truncated
JPEG and a text file, and saves a screenshot of the page. Never a HAM10000 picture: CC BY-NC. The server, its kernel and the browser are stopped
at the end, whatever happens.
"""
import argparse, sys, tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO/'tests'))
from app_server import chromium, missing_tools, open_app, serve_app, upload   # noqa: E402

def write_uploads(folder: Path) -> list[Path]:
    "A truncated JPEG (one of the example pictures, cut) and a text file: what the page says of files it cannot read."
    from skin_nbdev.data import sample_pictures
    files = [('phone_photo_malignant.jpg', Path(sample_pictures().path[0]).read_bytes()[:900]), ('notes.txt', b'dx: nv\n')]
    for name, data in files: (folder/name).write_bytes(data)
    return [folder/name for name, _ in files]

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default=str(REPO/'nbs'/'images'/'predictor.png'), help='PNG to write')
    parser.add_argument('--width', type=int, default=1100, help='page width in pixels')
    args = parser.parse_args()
    if (why := missing_tools()): sys.exit(f'app_screenshot: cannot run: {why}')
    with tempfile.TemporaryDirectory() as tmp, serve_app(cwd=tmp) as server, chromium() as browser:
        page, render_s = open_app(browser, server, viewport={'width': args.width, 'height': 900})
        page.get_by_role('button', name='Try the example pictures').click()
        page.wait_for_function("() => document.querySelectorAll('.sn-result').length >= 8", timeout=120_000)
        upload_s = upload(page, write_uploads(Path(tmp)))
        height = page.evaluate('() => Math.max(...[...document.querySelectorAll("*")].map(e => e.scrollHeight))')
        page.set_viewport_size({'width': args.width, 'height': min(height + 16, 4000)})   # Voila scrolls inside a box: grow the window
        page.wait_for_timeout(500)   # let the thumbnails paint
        page.screenshot(path=args.out)
    print(f'{args.out} written (first render {render_s:.1f} s, upload {upload_s:.1f} s)')

if __name__ == '__main__': main()
