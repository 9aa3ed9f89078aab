"""Build the docs from notebooks that are committed without outputs.

    python tools/build_docs.py          # execute the notebooks, write README.md from index.ipynb
    python tools/build_docs.py --html   # also _docs/*.html, one page per chapter (no Quarto needed)
    python tools/build_docs.py --site   # also the real site with Quarto (`nbdev_docs`), as CI deploys it
    python tools/build_docs.py --html --only index.ipynb model_card.ipynb   # execute just these (quick checks)

Notebooks are committed without outputs (settings.ini `clear_all`), so that no HAM10000 image
(CC BY-NC) ever lands in git. This script copies `nbs/` to `_nbs_exec/` (same depth, so relative
paths still work), executes every notebook there (skipping `#| eval: false` cells, as nbdev_test
and Quarto do; HAM10000 is used where it is found, synthetic data elsewhere), then runs nbdev's own
processing (`proc_nbs`: directives, hidden cells, show_doc, front matter) into `_proc/`.
"""
import argparse, re, shutil, subprocess
from pathlib import Path

import nbformat
import yaml
from nbconvert import HTMLExporter, MarkdownExporter
from nbconvert.preprocessors import ExecutePreprocessor
from nbdev.config import get_config
from nbdev.serve import proc_nbs

class RespectEvalFalse(ExecutePreprocessor):
    "Execute a notebook but skip cells marked `#| eval: false`, as Quarto and nbdev_test do."
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == 'code' and re.search(r'^#\|\s*eval:\s*false', cell.source, re.M | re.I): return cell, resources
        return super().preprocess_cell(cell, resources, index)

def page_outputs(nb):
    "Drop what is not part of a page: progress bars, widgets' live state and library logs on stderr."
    for cell in nb.cells:
        if cell.cell_type == 'code':
            cell.outputs = [o for o in cell.get('outputs', []) if not (o.get('output_type') == 'stream' and o.get('name') == 'stderr')
                            and 'application/vnd.jupyter.widget-view+json' not in o.get('data', {})]
    return nb

def execute_copy(nbs: Path, target: Path, timeout: int = 1800, only: list[str] | None = None) -> Path:
    "Copy `nbs` to `target` and execute every notebook there (or those named in `only`), in place."
    if target.exists(): shutil.rmtree(target)
    shutil.copytree(nbs, target, ignore=shutil.ignore_patterns('.ipynb_checkpoints'))
    for path in sorted(target.glob('*.ipynb')):
        if only and path.name not in only: continue
        nb = nbformat.read(path, as_version=4)
        RespectEvalFalse(timeout=timeout).preprocess(nb, {'metadata': {'path': str(target)}})
        nbformat.write(page_outputs(nb), path)
        print(f"executed {path.name}")
    return target

def front_matter_to_markdown(body: str) -> str:
    "Replace Quarto's YAML front matter with a Markdown title and description."
    match = re.match(r'^\s*---\n(.*?)\n---\n', body, re.S)
    if not match: return body
    meta = yaml.safe_load(match.group(1)) or {}
    head = f"# {meta.get('title', '')}\n\n" + (f"> {meta['description']}\n\n" if meta.get('description') else '')
    return head + body[match.end():].lstrip()

def convert(nb_path: Path, exporter) -> str:
    "A processed notebook converted by `exporter`, its front matter turned into Markdown."
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == 'raw': cell.cell_type, cell.source = 'markdown', front_matter_to_markdown(cell.source)
    body, _ = exporter.from_notebook_node(nb)
    return body

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--html', action='store_true', help='also write _docs/*.html without Quarto')
    parser.add_argument('--site', action='store_true', help='also render the site with Quarto (nbdev_docs)')
    parser.add_argument('--only', nargs='+', default=None, metavar='NOTEBOOK',
                        help='execute only these notebooks (e.g. index.ipynb model_card.ipynb); the others are pages without outputs')
    args = parser.parse_args()
    cfg = get_config()
    executed = execute_copy(cfg.nbs_path, cfg.config_path/'_nbs_exec', only=args.only)
    cache = proc_nbs(path=str(executed), force=True, n_workers=1)
    readme = convert(cache/cfg.readme_nb, MarkdownExporter())
    readme = re.sub(r'\]\((images/|\w+\.ipynb)', r'](nbs/\1', readme)  # README.md sits one folder up
    (cfg.config_path/'README.md').write_text(readme.strip() + '\n')
    print(f"README.md written from {cfg.readme_nb}")
    if args.html:
        out = cfg.config_path/cfg.doc_path.name; out.mkdir(exist_ok=True)
        if (executed/'images').exists(): shutil.copytree(executed/'images', out/'images', dirs_exist_ok=True)
        for nb in sorted(cache.glob('*.ipynb')):
            (out/f'{nb.stem}.html').write_text(convert(nb, HTMLExporter()))
            print(f"{out.name}/{nb.stem}.html")
    if args.site: subprocess.run(['nbdev_docs', '--path', str(executed)], check=True)

if __name__ == '__main__': main()
