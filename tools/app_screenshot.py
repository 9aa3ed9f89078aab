"""Photograph the real predictor page for the docs: nbs/images/predictor.png.

    python tools/app_screenshot.py            # from the repository root; needs pip install -e ".[dev]" and apt-get install chromium

Starts `skin-nbdev app` (the shipped model), opens it in headless Chromium, uploads four synthetic lesion
pictures, a truncated JPEG and a text file, and saves a screenshot of the page. Only synthetic pictures:
HAM10000's are CC BY-NC and must never be committed. The server, its kernel and the browser are stopped
at the end, whatever happens.
"""
import argparse, sys, tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO/'tests'))
from app_server import chromium, missing_tools, open_app, serve_app, upload   # noqa: E402

def write_uploads(folder: Path) -> list[Path]:
    "Four synthetic pictures (named with their truth), a truncated JPEG and a text file."
    from skin_nbdev.predictor import synthetic_uploads
    files = synthetic_uploads(4) + [('phone_photo_malignant.jpg', synthetic_uploads(1, seed=9)[0][1][:900]), ('notes.txt', b'dx: nv\n')]
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
        upload_s = upload(page, write_uploads(Path(tmp)))
        height = page.evaluate('() => Math.max(...[...document.querySelectorAll("*")].map(e => e.scrollHeight))')
        page.set_viewport_size({'width': args.width, 'height': min(height + 16, 4000)})   # Voila scrolls inside a box: grow the window
        page.wait_for_timeout(500)   # let the thumbnails paint
        page.screenshot(path=args.out)
    print(f'{args.out} written (first render {render_s:.1f} s, upload {upload_s:.1f} s)')

if __name__ == '__main__': main()
