"""Measure the served predictor: seconds to first render, seconds from upload to results, MB per open page.

    python tools/app_measure.py IMAGE... [--pages 3] [--cull-after 60 --cull-check]

Starts `skin-nbdev app` from the current folder (so HAM10000's metadata is found as `predict` finds it),
opens a page in headless Chromium, uploads IMAGE... and waits for one result card per file, then opens
more pages and reads the resident memory (RSS) of each page's kernel. With --cull-check it then closes
every page without telling the server (as a crashed browser would) and prints the kernels until the
culler has shut them all down. It writes nothing and takes no screenshot, so it may be given pictures
that must not be published (HAM10000). Everything it starts is stopped at the end.
"""
import argparse, sys, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO/'tests'))
from app_server import chromium, missing_tools, open_app, result_rows, rss_mb, serve_app, upload   # noqa: E402

GB = 24 * 1024   # this machine's memory in MB

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('images', nargs='+', help='files to upload on the first page')
    parser.add_argument('--pages', type=int, default=3, help='pages to open in all (each gets its own kernel)')
    parser.add_argument('--cull-after', type=int, default=None, help="passed to skin-nbdev app (default: the app's)")
    parser.add_argument('--cull-check', action='store_true', help='close the pages abruptly and watch the kernels go')
    args = parser.parse_args()
    if (why := missing_tools()): sys.exit(f'app_measure: cannot run: {why}')
    extra = ['--cull-after', str(args.cull_after)] if args.cull_after is not None else []
    started = time.perf_counter()
    with serve_app(*extra) as server, chromium() as browser:
        print(f'server listening after {time.perf_counter() - started:.1f} s; kernels: {server.kernels()}')
        page, render_s = open_app(browser, server)
        print(f'page 1: first render {render_s:.1f} s')
        upload_s = upload(page, [Path(p) for p in args.images])
        rows = result_rows(page)
        verdicts = [r for r in rows if r['verdict']]
        print(f'upload of {len(args.images)} files: results after {upload_s:.1f} s; {len(verdicts)} verdicts '
              f"({', '.join(sorted(r['verdict'] for r in verdicts))}), {sum(bool(r['error']) for r in rows)} error rows")
        for r in rows:
            truth = next((line for line in r['text'].splitlines() if line.startswith('truth:')), 'truth unknown')
            print(f"   {r['file']}: {r['verdict'] or 'error: ' + r['error']}; {truth}")
        pages = [page]
        for n in range(2, args.pages + 1):
            more, secs = open_app(browser, server); pages.append(more)
            print(f'page {n}: render {secs:.1f} s')
        kernels = server.kernels()
        per_page = [rss_mb(k) for k in kernels]
        base = rss_mb(server.process.pid)
        print(f'server process: {base:.0f} MB; kernels ({len(kernels)} for {len(pages)} open pages): '
              + ', '.join(f'{mb:.0f} MB' for mb in per_page))
        mean = sum(per_page) / len(per_page)
        print(f'MB per open page: {mean:.0f} (mean kernel RSS); pages per 24 GB: {int((GB - base) // mean)} '
              f'(= (24 GiB - server {base:.0f} MB) / {mean:.0f} MB, nothing else running)')
        if args.cull_check:
            for p in pages: p.close()   # Playwright skips beforeunload: the server is not told
            start = time.perf_counter()
            while (alive := server.kernels()) and time.perf_counter() - start < 4 * (args.cull_after or 900) + 120:
                print(f'  {time.perf_counter() - start:5.0f} s after closing the pages: kernels {alive}'); time.sleep(5)
            print(f'  {time.perf_counter() - start:5.0f} s after closing the pages: kernels {server.kernels()}')

if __name__ == '__main__': main()
