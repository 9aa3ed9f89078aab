"""The house rules, checked on the code as it is: chapters in import order, small modules, figures that name their model.

- Every module of `skin_nbdev` is exported by one numbered chapter, and imports only modules of earlier chapters
  (so there is no circle either); every numbered notebook imports only its own or earlier chapters' modules.
- No module is over 500 lines (nbdev's generated `_modidx.py` aside).
- A committed output that presents "the shipped model" names it by the first 12 hex digits of its sha256, and that
  must be the sha256 of a file that ships; at least four notebooks say so. README.md names it too, with its card's AUC.
"""
import ast, json, re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE, NBS = ROOT/'skin_nbdev', ROOT/'nbs'
MAX_LINES = 500
SOURCE = re.compile(r'File to edit: \.\./nbs/(\d+[a-z]?)_\w+\.ipynb')
SHIPPED_NAMED = re.compile(r'model ([0-9a-f]{12}) \(the shipped(?: 7-class)? model')

def chapter_number(prefix: str) -> float:
    "A chapter's place in the book: '07' -> 7, '07b' -> 7.04 (fastai's habit: 07b comes after 07 and before 08)."
    return int(prefix[:2]) + (ord(prefix[2]) - ord('a')) / 25 if len(prefix) > 2 else int(prefix)

def chapter_of_module() -> dict[str, float]:
    "Module name -> the number of the chapter that exports it."
    chapters = {}
    for path in PACKAGE.glob('*.py'):
        if path.stem.startswith('_'): continue
        found = SOURCE.search(path.read_text(encoding='utf-8'))
        assert found, f'{path.name}: not exported from a numbered chapter'
        chapters[path.stem] = chapter_number(found.group(1))
    return chapters

def package_imports(tree: ast.AST) -> set[str]:
    "Modules of `skin_nbdev` imported anywhere in `tree` (inside functions too): `from .x`, `from skin_nbdev.x`, `import skin_nbdev.x`."
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module: found.add(node.module.split('.')[0])
            elif node.level == 1: found.update(a.name for a in node.names)
            elif node.module and node.module.startswith('skin_nbdev.'): found.add(node.module.split('.')[1])
            elif node.module == 'skin_nbdev': found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split('.')[1] for a in node.names if a.name.startswith('skin_nbdev.'))
    return found

def layer_problems(chapters: dict[str, int], imports: dict[str, set[str]]) -> list[str]:
    "Each import of a module of the same or a later chapter, as 'a (ch) imports b (ch)'."
    return [f'{m} (chapter {chapters[m]}) imports {i} (chapter {chapters[i]})'
            for m, used in sorted(imports.items()) for i in sorted(used) if i in chapters and i != m and chapters[i] >= chapters[m]]

def test_layer_rule_catches_a_backward_import():
    assert layer_problems({'data': 2, 'train': 7}, {'data': {'train'}, 'train': {'data'}}) == ['data (chapter 2) imports train (chapter 7)']
    assert package_imports(ast.parse('def f():\n    from .cli import x\nimport skin_nbdev.app\nfrom skin_nbdev.data import y')) == {'cli', 'app', 'data'}

def test_modules_import_only_earlier_chapters():
    chapters = chapter_of_module()
    imports = {m: package_imports(ast.parse((PACKAGE/f'{m}.py').read_text(encoding='utf-8'))) for m in chapters}
    assert not layer_problems(chapters, imports)
    assert len(set(chapters.values())) == len(chapters), 'two modules from one chapter'

def notebook_code(path: Path) -> str:
    "A notebook's code cells as Python (IPython's `%` and `!` lines dropped)."
    cells = json.loads(path.read_text(encoding='utf-8'))['cells']
    lines = [l for c in cells if c['cell_type'] == 'code' for l in ''.join(c['source']).splitlines() + ['']]
    return '\n'.join(l for l in lines if not l.lstrip().startswith(('%', '!')))

def test_notebooks_import_only_their_own_or_earlier_chapters():
    chapters, problems = chapter_of_module(), []
    for path in sorted(NBS.glob('[0-9][0-9]*_*.ipynb')):
        number = chapter_number(path.name.split('_')[0])
        for module in package_imports(ast.parse(notebook_code(path))):
            if module in chapters and chapters[module] > number: problems.append(f'{path.name} imports {module} (chapter {chapters[module]})')
    assert not problems, problems

def test_no_module_over_500_lines():
    sizes = {p.name: len(p.read_text(encoding='utf-8').splitlines()) for p in PACKAGE.glob('*.py') if p.name != '_modidx.py'}
    assert max(sizes.values()) <= MAX_LINES, {n: s for n, s in sizes.items() if s > MAX_LINES}

def output_text(cell: dict) -> str:
    "What a code cell's committed outputs say, as text."
    parts = []
    for out in cell.get('outputs', []):
        if 'text' in out: parts.append(''.join(out['text']))
        for kind in ('text/plain', 'text/markdown', 'text/html'): parts.append(''.join(out.get('data', {}).get(kind, '')))
    return '\n'.join(parts)

def shipped_mentions(path: Path) -> list[str]:
    "The sha256 prefixes a notebook's outputs give as 'model <sha> (the shipped model'."
    cells = json.loads(path.read_text(encoding='utf-8'))['cells']
    return [m for c in cells if c['cell_type'] == 'code' for m in SHIPPED_NAMED.findall(output_text(c))]

def test_outputs_name_the_shipped_model():
    from skin_nbdev.bundle import shipped_shas
    shipped = set(shipped_shas().values())
    named = {p.name: shipped_mentions(p) for p in sorted(NBS.glob('*.ipynb'))}
    wrong = {n: sorted(set(shas) - shipped) for n, shas in named.items() if set(shas) - shipped}
    assert not wrong, f'outputs present another model as the shipped one (shipped: {sorted(shipped)}): {wrong}'
    assert len([n for n, shas in named.items() if shas]) >= 4, named

def test_shipped_check_reads_outputs():
    cell = {'cell_type': 'code', 'outputs': [{'output_type': 'stream', 'name': 'stdout', 'text': ['model 0123456789ab (the shipped model): AUC 0.9\n']}]}
    assert SHIPPED_NAMED.findall(output_text(cell)) == ['0123456789ab']

def test_readme_names_the_shipped_model_and_its_card_figure():
    from skin_nbdev.bundle import DEFAULT_MODEL_PATH, checked_card, short_sha
    card, readme = checked_card(DEFAULT_MODEL_PATH), (ROOT/'README.md').read_text(encoding='utf-8')
    assert short_sha(card) in readme
    assert f"{card['test_metrics']['auc']:.3f}" in readme
