"""Clean notebooks before a commit: strip the outputs of cells that show licensed pictures, then `nbdev_clean`.

    python tools/clean_nbs.py                      # every notebook in nbs/
    python tools/clean_nbs.py nbs/13_explain.ipynb # just these
    python tools/clean_nbs.py --check              # change nothing; list the problems, exit 1 if any

Notebooks are committed *with* their outputs (plots, tables, synthetic pictures): they are the docs.
What must never reach git is a picture of a data set we may not redistribute (HAM10000 is CC BY-NC;
the ISIC 2017 copy's README asks to keep its images out of the repository). The rule, in one place:

- A code cell that shows pictures says whose with a cell directive: `#| pictures: synthetic` (made by
  the notebook; outputs kept) or `#| pictures: ham10000` / `#| pictures: isic2017` (outputs stripped
  here, every time).
- A cell that calls a picture function (`PICTURE_CALLS`) without that directive is an error: the
  directive cannot be forgotten silently.
- A cell that embeds a picture in HTML (`data:image`, e.g. the predictor's thumbnails) must say
  `pictures: synthetic`, or be stripped.

`tests/test_notebook_outputs.py` runs `problems` on the committed notebooks, so CI fails when a
licensed picture (or an undeclared one) is about to be published.
"""
from __future__ import annotations
import argparse, json, re, subprocess, sys
from pathlib import Path

NBS = Path(__file__).resolve().parents[1]/'nbs'
DIRECTIVE = re.compile(r'^#\|\s*pictures:\s*(\S+)\s*$', re.M)
KEPT = {'synthetic'}                              # pictures the notebook made: outputs kept
STRIPPED = {'ham10000', 'isic2017'}               # pictures of licensed data sets: outputs stripped
PICTURE_CALLS = re.compile(r'\b(show_images|plot_cases|imshow)\(')   # the functions that draw pictures
IMAGE_MIMES = ('image/png', 'image/jpeg', 'image/gif', 'image/svg+xml')

def source(cell: dict) -> str: return ''.join(cell.get('source', []))

def pictures_of(cell: dict) -> str | None:
    "The cell's `#| pictures:` value, or None."
    m = DIRECTIVE.search(source(cell))
    return m.group(1).lower() if m else None

def is_export(cell: dict) -> bool: return bool(re.match(r'#\|\s*export', source(cell)))

def image_outputs(cell: dict) -> int:
    "How many outputs of `cell` are pictures (an image MIME type, or an image embedded in HTML/Markdown)."
    n = 0
    for out in cell.get('outputs', []):
        data = out.get('data', {})
        embedded = any('data:image' in ''.join(data.get(k, [])) for k in ('text/html', 'text/markdown'))
        n += any(m in data for m in IMAGE_MIMES) or embedded
    return n

def problems(nb: dict, name: str) -> list[str]:
    "Every way `nb` breaks the rule above, as lines naming the notebook and the cell."
    found = []
    for i, cell in enumerate(nb['cells']):
        if cell['cell_type'] != 'code': continue
        where, kind = f"{name} cell {i} ({cell.get('id', '?')})", pictures_of(cell)
        if kind is not None and kind not in KEPT | STRIPPED:
            found.append(f"{where}: `#| pictures: {kind}` is not one of {sorted(KEPT | STRIPPED)}")
        if kind in STRIPPED and cell.get('outputs'):
            found.append(f"{where}: shows {kind} pictures but has {len(cell['outputs'])} output(s) (run tools/clean_nbs.py)")
        if kind is None and not is_export(cell) and PICTURE_CALLS.search(source(cell)):
            found.append(f"{where}: draws pictures ({PICTURE_CALLS.search(source(cell)).group(1)}) without a `#| pictures:` directive")
        if kind is None and any('data:image' in ''.join(o.get('data', {}).get(k, [])) for o in cell.get('outputs', [])
                                for k in ('text/html', 'text/markdown')):
            found.append(f"{where}: embeds a picture in HTML without `#| pictures: synthetic`")
    if 'widgets' in nb.get('metadata', {}): found.append(f"{name}: notebook metadata holds widget state (it can hold uploaded pictures)")
    return found

def strip_pictures(nb: dict) -> int:
    "Remove the outputs of every cell marked with a stripped kind; the number of cells changed."
    n = 0
    for cell in nb['cells']:
        if cell['cell_type'] == 'code' and pictures_of(cell) in STRIPPED and cell.get('outputs'):
            cell['outputs'], cell['execution_count'] = [], None; n += 1
    return n

def clean(path: Path) -> int:
    "Strip licensed pictures from the notebook at `path`, then apply nbdev's metadata cleaning; cells stripped."
    nb = json.loads(path.read_text(encoding='utf-8'))
    n = strip_pictures(nb)
    nb.get('metadata', {}).pop('widgets', None)   # live widget state (an upload's bytes): nbdev_clean keeps it
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    subprocess.run(['nbdev_clean', '--fname', str(path)], check=True)   # settings.ini: keep outputs, drop metadata
    return n

def notebooks(paths: list[str]) -> list[Path]:
    return [Path(p) for p in paths] if paths else sorted(NBS.glob('*.ipynb'))

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('paths', nargs='*', help='notebooks (default: every notebook in nbs/)')
    parser.add_argument('--check', action='store_true', help='change nothing: list problems, exit 1 if any')
    args = parser.parse_args()
    found = []
    for path in notebooks(args.paths):
        if not args.check:
            n = clean(path)
            if n: print(f"{path.name}: stripped the outputs of {n} cell(s) showing licensed pictures")
        found += problems(json.loads(path.read_text(encoding='utf-8')), path.name)
    for line in found: print(line, file=sys.stderr)
    return 1 if found else 0

if __name__ == '__main__': sys.exit(main())
