"""The committed notebooks are the docs: they keep their outputs, and never a licensed picture.

The rule lives in `tools/clean_nbs.py` (run it before a commit); these tests apply it to the
notebooks as they are in git, and check the rule itself on small made-up notebooks.
"""
import json, re, sys
from configparser import ConfigParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'))
import clean_nbs  # noqa: E402

NOTEBOOKS = sorted((ROOT/'nbs').glob('*.ipynb'))
MIN_IMAGES, MIN_NOTEBOOKS = 25, 8   # the bar of the docs issue: results people look at are plots

def _code(source: str, outputs: list | None = None) -> dict:
    return {'cell_type': 'code', 'id': 'x', 'metadata': {}, 'execution_count': None, 'source': source, 'outputs': outputs or []}

PNG = {'output_type': 'display_data', 'data': {'image/png': 'iVBORw0KGgo=', 'text/plain': '<Figure>'}, 'metadata': {}}

def test_committed_notebooks_follow_the_picture_rule():
    found = [line for nb in NOTEBOOKS for line in clean_nbs.problems(json.loads(nb.read_text(encoding='utf-8')), nb.name)]
    assert not found, '\n'.join(found)

def test_outputs_are_kept_and_show_results():
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    assert cfg['DEFAULT'].get('clear_all', 'False').lower() == 'false', 'settings.ini clear_all strips every output'
    counts = {nb.name: sum(clean_nbs.image_outputs(c) for c in json.loads(nb.read_text(encoding='utf-8'))['cells']) for nb in NOTEBOOKS}
    with_images = {n: k for n, k in counts.items() if k}
    assert sum(counts.values()) >= MIN_IMAGES and len(with_images) >= MIN_NOTEBOOKS, counts

def test_rule_strips_licensed_pictures_and_flags_undeclared_ones():
    nb = {'metadata': {}, 'cells': [_code('#| pictures: ham10000\nshow_images(real)', [PNG]),
                                    _code('#| pictures: synthetic\nshow_images(fake)', [PNG]),
                                    _code('plot_roc(y, p)', [PNG]),
                                    _code('fig = plot_cases(model, scores, ham)'),
                                    _code('#| pictures: holiday\nx = 1'),
                                    _code('rows_html(rows)', [{'output_type': 'display_data', 'metadata': {},
                                                               'data': {'text/html': '<img src="data:image/jpeg;base64,AA">'}}])]}
    found = clean_nbs.problems(nb, 'made_up.ipynb')
    assert any('cell 0' in f and 'ham10000' in f for f in found)             # a licensed picture about to be committed
    assert any('cell 3' in f and 'plot_cases' in f for f in found)           # a picture function without a directive
    assert any('cell 4' in f and 'holiday' in f for f in found)              # an unknown kind
    assert any('cell 5' in f and 'HTML' in f for f in found)                 # an image inside HTML
    assert not any('cell 1' in f or 'cell 2' in f for f in found)            # synthetic pictures and plots are fine
    assert clean_nbs.strip_pictures(nb) == 1
    assert nb['cells'][0]['outputs'] == [] and nb['cells'][1]['outputs'] == [PNG] and nb['cells'][2]['outputs'] == [PNG]
    assert not any('cell 0' in f for f in clean_nbs.problems(nb, 'made_up.ipynb'))

def test_cleaning_a_file_strips_and_keeps(tmp_path):
    path = tmp_path/'chapter.ipynb'
    nb = {'metadata': {'kernelspec': {'name': 'python3', 'display_name': 'python3', 'language': 'python'}, 'widgets': {'state': {}}},
          'nbformat': 4, 'nbformat_minor': 5,
          'cells': [_code('#| pictures: ham10000\nshow_images(real)', [PNG]), _code('plot_roc(y, p)', [PNG])]}
    path.write_text(json.dumps(nb))
    assert clean_nbs.clean(path) == 1
    cleaned = json.loads(path.read_text())
    assert cleaned['cells'][0]['outputs'] == [] and len(cleaned['cells'][1]['outputs']) == 1
    assert 'widgets' not in cleaned['metadata']

MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|tmp|root|home|Users|var/folders|kaggle/working|content)/[^\s'\"<>)]*")

def machine_paths(nb: dict) -> list[str]:
    "Absolute paths of a machine in a notebook's committed outputs, as 'cell N: path'."
    found = []
    for i, cell in enumerate(nb['cells']):
        for out in cell.get('outputs', []):
            texts = [out.get('text', '')] + [out.get('data', {}).get(k, '') for k in ('text/plain', 'text/markdown', 'text/html')]
            found += [f'cell {i}: {m}' for t in texts for m in MACHINE_PATH.findall(''.join(t))]
    return found

def test_machine_path_rule_reads_outputs():
    nb = {'cells': [_code('print(x)', [{'output_type': 'stream', 'name': 'stdout', 'text': 'model: /tmp/tmpab12/run/model.keras\n'}]),
                    _code('y', [{'output_type': 'execute_result', 'metadata': {}, 'data': {'text/plain': "'../shared/data/ham10000'"}}])]}
    assert machine_paths(nb) == ['cell 0: /tmp/tmpab12/run/model.keras']

def test_no_machine_path_in_committed_outputs():
    found = {nb.name: machine_paths(json.loads(nb.read_text(encoding='utf-8'))) for nb in NOTEBOOKS}
    assert not {n: f for n, f in found.items() if f}, found
