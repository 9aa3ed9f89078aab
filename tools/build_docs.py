"""Build what Quarto would, where Quarto cannot be installed: README.md and HTML pages.

    python tools/build_docs.py          # README.md from nbs/index.ipynb
    python tools/build_docs.py --html   # also _docs/*.html, one page per notebook

It runs nbdev's own notebook processing (`proc_nbs`: directives, hidden cells, show_doc,
front matter) into `_proc/`, executes the processed notebooks (they are committed without
outputs, see settings.ini `clear_all`), then nbconvert turns them into Markdown / HTML.
With Quarto installed, `nbdev_readme` and `nbdev_docs` do the same job and render the real site.
"""
import argparse, re
from pathlib import Path

import yaml
from nbconvert import HTMLExporter, MarkdownExporter
from nbconvert.preprocessors import ExecutePreprocessor
from nbdev.config import get_config
from nbdev.serve import proc_nbs
import nbformat

class RespectEvalFalse(ExecutePreprocessor):
    "Execute a notebook but skip cells marked `#| eval: false`, as Quarto and nbdev_test do."
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == 'code' and re.search(r'^#\|\s*eval:\s*false', cell.source, re.M | re.I): return cell, resources
        return super().preprocess_cell(cell, resources, index)

def front_matter_to_markdown(body: str) -> str:
    "Replace Quarto's YAML front matter with a Markdown title and description."
    match = re.match(r'^\s*---\n(.*?)\n---\n', body, re.S)
    if not match: return body
    meta = yaml.safe_load(match.group(1)) or {}
    head = f"# {meta.get('title', '')}\n\n" + (f"> {meta['description']}\n\n" if meta.get('description') else '')
    return head + body[match.end():].lstrip()

def convert(nb_path: Path, exporter, timeout: int = 1200) -> str:
    "The notebook at `nb_path` executed, then converted by `exporter`, front matter turned into Markdown."
    nb = nbformat.read(nb_path, as_version=4)
    RespectEvalFalse(timeout=timeout).preprocess(nb, {'metadata': {'path': str(nb_path.parent)}})
    for cell in nb.cells:
        if cell.cell_type == 'code':  # progress bars and library logs are not part of a page
            cell.outputs = [o for o in cell.get('outputs', []) if not (o.get('output_type') == 'stream' and o.get('name') == 'stderr')
                            and 'application/vnd.jupyter.widget-view+json' not in o.get('data', {})]
        if cell.cell_type == 'raw': cell.cell_type, cell.source = 'markdown', front_matter_to_markdown(cell.source)
    body, _ = exporter.from_notebook_node(nb)
    return body

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--html', action='store_true', help='also write _docs/*.html')
    args = parser.parse_args()
    cfg = get_config()
    cache = proc_nbs(force=True, n_workers=1)
    readme = convert(cache/cfg.readme_nb, MarkdownExporter())
    # README.md sits at the top of the repository: point its relative links into nbs/
    readme = re.sub(r'\]\((images/|\w+\.ipynb)', r'](nbs/\1', readme)
    (cfg.config_path/'README.md').write_text(readme.strip() + '\n')
    print(f"README.md written from {cfg.readme_nb}")
    if args.html:
        out = cfg.config_path/cfg.doc_path.name; out.mkdir(exist_ok=True)
        for nb in sorted(cache.glob('*.ipynb')):
            (out/f'{nb.stem}.html').write_text(convert(nb, HTMLExporter()))
            print(f"{out.name}/{nb.stem}.html")

if __name__ == '__main__': main()
