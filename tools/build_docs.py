"""Build the docs from the notebooks' committed outputs: README.md, and offline HTML pages.

    python tools/build_docs.py                    # README.md (and its pictures) from nbs/index.ipynb
    python tools/build_docs.py --html             # also _docs/*.html: one page per notebook, no Quarto needed
    python tools/build_docs.py --site             # also the real site with Quarto (`nbdev_docs`), as CI deploys it
    python tools/build_docs.py --execute 11_evaluate.ipynb index.ipynb   # re-run these in place first, then clean them
    SKIN_NBDEV_FULL=1 python tools/build_docs.py --execute 14_metadata.ipynb   # ... with the real-data measurements
    python tools/build_docs.py --shipped          # after `skin-nbdev ship`: every page that measures the shipped model, with the data

Notebooks are committed *with* their outputs (the measured ROC curves, tables and learning curves are
the docs), minus the outputs of cells that show licensed pictures (`tools/clean_nbs.py`). So building
the docs needs no data and no re-execution. `--execute` re-runs notebooks in `nbs/` (skipping
`#| eval: false` cells, as nbdev_test and Quarto do) and cleans them; commit the result.

`--shipped` is the step after shipping a model: it re-executes, with the real data (`SKIN_NBDEV_FULL=1`), every
chapter listed in `skin_nbdev.ship.SHIPPED_CHAPTERS` (the one list of the pages that measure the shipped model),
photographs the predictor page again with the shipped model (`tools/app_screenshot.py`), and writes the README.

The HTML pages are what Quarto would make, without Quarto: nbdev's own processing (`proc_nbs`: hidden
cells dropped, `show_doc` rendered, front matter), with exported cells kept as code, then the Quarto
cell options applied (`echo: false` hides the code, `output: false` the outputs, `include: false` both,
`output: asis` renders Markdown), every `#|` line removed and Pandoc link attributes turned into HTML.
A sidebar links the pages in `nbs/sidebar.yml`'s order.
"""
from __future__ import annotations
import argparse, html, os, re, shutil, subprocess, sys
from pathlib import Path

import nbformat
import yaml
from nbconvert import HTMLExporter, MarkdownExporter
from nbconvert.preprocessors import ExecutePreprocessor, TagRemovePreprocessor
from nbdev.config import get_config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clean_nbs import clean  # noqa: E402

class RespectEvalFalse(ExecutePreprocessor):
    "Execute a notebook but skip cells marked `#| eval: false`, as Quarto and nbdev_test do."
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == 'code' and re.search(r'^#\|\s*eval:\s*false', cell.source, re.M | re.I): return cell, resources
        return super().preprocess_cell(cell, resources, index)

PROGRESS = re.compile(r'\x1b\[|━|\r')   # Keras' and tqdm's progress bars: terminal codes, bar characters, carriage returns

def page_outputs(nb):
    "Drop what is not part of a page: library logs on stderr, progress bars on stdout, widgets' live views."
    for cell in nb.cells:
        if cell.cell_type != 'code': continue
        kept = []
        for out in cell.get('outputs', []):
            if out.get('output_type') == 'stream':
                if out.get('name') == 'stderr': continue
                out['text'] = ''.join(l for l in out['text'].splitlines(keepends=True) if not PROGRESS.search(l))
                if not out['text'].strip(): continue
            if 'application/vnd.jupyter.widget-view+json' in out.get('data', {}): continue
            kept.append(out)
        cell.outputs = kept
    return nb

def execute_in_place(paths: list[Path], timeout: int = 3600) -> None:
    "Execute each notebook where it lies (its folder as working directory), keep the page outputs, then clean it."
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        RespectEvalFalse(timeout=timeout).preprocess(nb, {'metadata': {'path': str(path.parent)}})
        nbformat.write(page_outputs(nb), path)
        stripped = clean(path)
        print(f"executed {path.name}" + (f" ({stripped} cell(s) of licensed pictures stripped)" if stripped else ''), flush=True)

def reexecute_shipped(nbs: Path) -> None:
    "Re-execute the pages that measure the shipped model, with the real data, and photograph the predictor page again."
    from skin_nbdev.data import FULL_RUN_ENV, full_run
    from skin_nbdev.ship import SHIPPED_CHAPTERS
    os.environ[FULL_RUN_ENV] = '1'
    if not full_run(): sys.exit('build_docs --shipped: HAM10000 not found; the shipped model is measured on the real data')
    execute_in_place([nbs/f'{name}.ipynb' for name in SHIPPED_CHAPTERS])
    subprocess.run([sys.executable, str(Path(__file__).with_name('app_screenshot.py'))], check=True)

# --- Quarto's cell options, applied without Quarto

DIRECTIVE = re.compile(r'^#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')   # `#| echo: false` (Quarto) and `#| default_exp data` (nbdev)
PANDOC_LINK = re.compile(r'\[([^\]]*)\]\(([^)\s]+)\)\{([^}]*)\}')   # [text](url){target="_blank" style="..."}

def directives(source: str) -> tuple[dict[str, str], str]:
    "The leading `#|` lines of a cell as {option: value} (nbdev's bare ones as ''), and the code without them."
    lines, found = source.splitlines(), {}
    while lines and (m := DIRECTIVE.match(lines[0])):
        found[m.group(1)] = (m.group(2) or '').strip().strip('"\'').lower(); lines.pop(0)
    return found, '\n'.join(l for l in lines if not DIRECTIVE.match(l)).strip('\n')

def pandoc_links_to_html(text: str) -> str:
    "Pandoc's `[text](url){attrs}` as an HTML link with those attributes (Markdown renderers keep them as text)."
    return PANDOC_LINK.sub(lambda m: f'<a href="{html.escape(m.group(2))}" {m.group(3)}>{m.group(1)}</a>', text)

def apply_cell_options(nb) -> nbformat.NotebookNode:
    "What Quarto does with a cell's options, so the page shows no `#|` line and no raw Pandoc syntax."
    cells = []
    for cell in nb.cells:
        if cell.cell_type == 'markdown': cell.source = pandoc_links_to_html(cell.source)
        if cell.cell_type != 'code': cells.append(cell); continue
        opts, cell.source = directives(cell.source)
        if opts.get('include') == 'false' or 'default_exp' in opts: continue
        if opts.get('output') == 'false': cell.outputs = []
        for out in cell.get('outputs', []):
            if 'text/markdown' in out.get('data', {}):
                out.data['text/markdown'] = pandoc_links_to_html(out.data['text/markdown'])
        tags = set(cell.metadata.get('tags', []))
        if opts.get('echo') == 'false' or not cell.source.strip(): tags.add('remove_input')
        if opts.get('code-fold') == 'true': tags.add('fold')   # Quarto folds it; `FOLD_SCRIPT` does here
        cell.metadata['tags'] = sorted(tags)
        if cell.source.strip() or cell.get('outputs'): cells.append(cell)
    nb.cells = cells
    return nb

def front_matter_to_markdown(body: str) -> str:
    "Replace Quarto's YAML front matter with a Markdown title and description."
    match = re.match(r'^\s*---\n(.*?)\n---\n', body, re.S)
    if not match: return body
    meta = yaml.safe_load(match.group(1)) or {}
    head = f"# {meta.get('title', '')}\n\n" + (f"> {meta['description']}\n\n" if meta.get('description') else '')
    return head + body[match.end():].lstrip()

def page_notebook(nb_path: Path) -> nbformat.NotebookNode:
    "A processed notebook ready to convert: front matter as Markdown, cell options applied."
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == 'raw': cell.cell_type, cell.source = 'markdown', front_matter_to_markdown(cell.source)
    return apply_cell_options(nb)

def exporter(kind=HTMLExporter):
    "An nbconvert exporter without prompts, dropping the code of cells tagged `remove_input` (`echo: false`)."
    made = kind(exclude_input_prompt=True, exclude_output_prompt=True)
    made.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}), enabled=True)
    return made

# --- nbdev's processing, with exported code shown

def processed_notebooks(nbs: Path) -> Path:
    "Run nbdev's docs processing (`proc_nbs`) into `_proc/`, keeping `#| export` cells as code (nbdev hides them)."
    from nbdev import processors, serve
    keep = [p for p in processors.FilterDefaults().base_procs() if p is not processors.rm_export]
    processors.FilterDefaults.base_procs = lambda self: keep
    return serve.proc_nbs(path=str(nbs), force=True, n_workers=0)

# --- pages

def sidebar_pages(nbs: Path) -> list[str]:
    "Notebook names in `sidebar.yml`'s order (sections flattened)."
    def walk(items):
        for item in items:
            if isinstance(item, str): yield item
            elif isinstance(item, dict): yield from walk(item.get('contents', []))
    return list(walk(yaml.safe_load((nbs/'sidebar.yml').read_text())['website']['sidebar']['contents']))

def page_title(nb_path: Path) -> str:
    "The title in a processed notebook's front matter (nbdev writes it from the first heading), else its first heading."
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == 'raw' and (m := re.match(r'^\s*---\n(.*?)\n---', cell.source, re.S)):
            if (title := (yaml.safe_load(m.group(1)) or {}).get('title')): return str(title)
        if cell.cell_type == 'markdown' and (m := re.match(r'^#\s+(.+)', cell.source.strip())): return m.group(1)
    return nb_path.stem

NAV_CSS = ('<style>body{margin-left:17rem} nav.sidebar{position:fixed;top:0;left:0;width:15.5rem;height:100%;overflow:auto;'
           'padding:1rem;background:#f7f7f9;border-right:1px solid #ddd;font:14px sans-serif} nav.sidebar a{display:block;'
           'padding:.2rem 0;color:#2a5db0;text-decoration:none} nav.sidebar a.current{font-weight:bold;color:#000}'
           ' nav.sidebar p{margin:.2rem 0 .8rem;color:#a33;font-size:12px}</style>')

def sidebar_html(pages: list[tuple[str, str]], current: str) -> str:
    links = ''.join(f'<a href="{stem}.html"{" class=current" if stem == current else ""}>{html.escape(title)}</a>' for stem, title in pages)
    return (f'<nav class="sidebar" aria-label="chapters"><strong>skin_nbdev</strong>'
            f'<p>Research and teaching software, not a medical device.</p>{links}</nav>')

HEADING = re.compile(r'<h([1-6]) id="([^"]+)"([^>]*)>')

def pandoc_id(nbconvert_id: str) -> str:
    "The id Quarto (Pandoc) gives the same heading: lower case, only letters, digits, '_', '-' and '.', nothing before the first letter."
    text = re.sub(r'[^\w.-]', '', nbconvert_id.replace(' ', '-').lower())
    return re.sub(r'^[^a-z]+', '', text)

def pandoc_anchors(body: str) -> str:
    "Give every heading the id Quarto would give it too, so links written for the site work on the offline pages."
    def add(m):
        extra = pandoc_id(html.unescape(m.group(2)))
        return m.group(0) + (f'<span id="{extra}"></span>' if extra and extra != m.group(2) else '')
    return HEADING.sub(add, body)

def link_pages(body: str) -> str:
    "Links between notebooks point at their pages."
    return re.sub(r'href="(?:\./)?([\w-]+)\.ipynb(#[^"]*)?"', lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)

FOLD_SCRIPT = """<script>document.addEventListener('DOMContentLoaded', () => {
  for (const input of document.querySelectorAll('.celltag_fold .jp-Cell-inputWrapper')) {
    const fold = document.createElement('details'), summary = document.createElement('summary');
    summary.textContent = 'Tests'; fold.className = 'code-fold'; fold.append(summary);
    input.before(fold); fold.append(input);
  }});</script>"""   # what Quarto's `code-fold: true` does: the cell's code behind a 'Tests' summary

def write_pages(cache: Path, nbs: Path, out: Path) -> list[Path]:
    "One HTML page per processed notebook, each with the sidebar; the notebooks' images copied along."
    out.mkdir(parents=True, exist_ok=True)
    if (nbs/'images').exists(): shutil.copytree(nbs/'images', out/'images', dirs_exist_ok=True)
    order = sidebar_pages(nbs)
    stems = [Path(n).stem for n in order if (cache/n).exists()] + sorted(p.stem for p in cache.glob('*.ipynb') if p.name not in order)
    pages = [(s, page_title(cache/f'{s}.ipynb')) for s in stems]
    html_pages, written = exporter(HTMLExporter), []
    for stem, _ in pages:
        body, _ = html_pages.from_notebook_node(page_notebook(cache/f'{stem}.ipynb'))
        body = pandoc_anchors(link_pages(body)).replace('</head>', NAV_CSS + FOLD_SCRIPT + '</head>', 1)
        body = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + sidebar_html(pages, stem), body, count=1)
        (out/f'{stem}.html').write_text(body, encoding='utf-8'); written.append(out/f'{stem}.html')
    return written

# --- README

README_IMAGES = Path('nbs/images/readme')   # the README's pictures: outputs of index.ipynb, committed with it

def write_readme(cache: Path, cfg) -> Path:
    "README.md from the processed index notebook, its image outputs saved under `README_IMAGES`."
    root = cfg.config_path
    body, resources = exporter(MarkdownExporter).from_notebook_node(page_notebook(cache/cfg.readme_nb),
                                                          resources={'output_files_dir': str(README_IMAGES)})
    folder = root/README_IMAGES
    if folder.exists(): shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, data in resources.get('outputs', {}).items(): (root/name).write_bytes(data)
    body = re.sub(r'\]\((images/|\w+\.ipynb)', r'](nbs/\1', body)   # README.md sits one folder above the notebooks
    readme = root/'README.md'; readme.write_text(body.strip() + '\n', encoding='utf-8')
    return readme

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--html', action='store_true', help='also write _docs/*.html without Quarto')
    parser.add_argument('--site', action='store_true', help='also render the site with Quarto (nbdev_docs)')
    parser.add_argument('--execute', nargs='+', default=None, metavar='NOTEBOOK',
                        help='first re-run these notebooks in nbs/ (in place) and clean them')
    parser.add_argument('--shipped', action='store_true',
                        help='re-execute every chapter that measures the shipped model (with the data), retake the predictor screenshot')
    parser.add_argument('--out', default=None, help='folder of the HTML pages (default: settings.ini doc_path)')
    parser.add_argument('--no-readme', action='store_true', help='leave README.md alone (checks of the pages)')
    args = parser.parse_args()
    cfg = get_config()
    if args.execute: execute_in_place([cfg.nbs_path/Path(n).name for n in args.execute])
    if args.shipped: reexecute_shipped(cfg.nbs_path)
    if args.no_readme and not (args.html or args.site): return
    cache = processed_notebooks(cfg.nbs_path)
    if not args.no_readme: print(f"{write_readme(cache, cfg).name} written from {cfg.readme_nb}")
    if args.html:
        out = Path(args.out) if args.out else cfg.config_path/cfg.doc_path.name
        for page in write_pages(cache, cfg.nbs_path, out): print(page)
    if args.site: subprocess.run(['nbdev_docs'], check=True, cwd=cfg.config_path)

if __name__ == '__main__': main()
