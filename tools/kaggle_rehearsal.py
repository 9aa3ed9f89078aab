"""Rehearse the Kaggle and Colab path on this machine, and fail (exit 1) on any error.

    python tools/kaggle_rehearsal.py                        # this machine's TensorFlow and Keras, synthetic pictures
    python tools/kaggle_rehearsal.py --tensorflow 2.16.2 --keras 3.4.1   # a fresh environment with that pair, from PyPI
    python tools/kaggle_rehearsal.py --from-shared 280      # upscaled copies of shared HAM10000 pictures instead
    python tools/kaggle_rehearsal.py --quick                # the test suite's variant: two chapters, a tiny first run

What a student on Kaggle does, step by step:

1. **The data as Kaggle mounts it**: `HAM10000_metadata.csv` beside `HAM10000_images_part_1/` and
   `HAM10000_images_part_2/`, full-size 600x450 JPEGs (synthetic lesions drawn at that size, or with
   `--from-shared N` N HAM10000 pictures upscaled from the shared 200x150 copies). Everything is written
   to a temporary folder that is deleted at the end: no picture is ever near the repository.
2. **A Python that has the image's own TensorFlow and Keras but not this package**: a virtual
   environment that sees this machine's packages with the development install hidden, or, with
   `--tensorflow/--keras`, a fresh one with just that pair and Jupyter's kernel, as an image has.
3. **The chapters a student runs first** (data, preprocessing, models, training, evaluation, the
   predictor), each copied alone into a working folder and executed top to bottom in a fresh kernel
   of that Python, `#| eval: false` cells skipped as on the docs site. Their first cell installs the
   package, as on Kaggle: from a wheel of this checkout, through `$SKIN_NBDEV_SOURCE`, instead of GitHub.
   With `SKIN_NBDEV_FULL=1` the chapters' real-data cells run too, on the Kaggle-layout pictures.
4. **A first run on the command line** of that Python: `skin-nbdev run` on the Kaggle folder (the
   shipped model on its test split), `skin-nbdev run --train` (a short training, its evaluation and four
   predictions), and `skin-nbdev predict` on three pictures.

Not rehearsed: Kaggle's own `/kaggle/input` path (the data folder is passed as `$SKIN_NBDEV_DATA`;
`find_data` looks in `/kaggle/input/skin-cancer-mnist-ham10000` itself), its GPU, and the Internet
switch. Everything this script starts (kernels, pip, the command line) ends before it returns.
"""
from __future__ import annotations
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

import cv2
import nbformat
import pandas as pd
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parents[1]
KAGGLE_SIZE = (600, 450)                      # width, height of HAM10000's original pictures
CHAPTERS = ('02_data', '03_preprocess', '05_models', '07_train', '11_evaluate', '18_predictor')
QUICK_CHAPTERS = ('02_data', '03_preprocess')
HIDE_DEV_INSTALL = '''"Hide a development install of skin_nbdev outside this environment, as a fresh Kaggle image has none."
import os, sys
sys.meta_path[:] = [f for f in sys.meta_path if 'skin_nbdev' not in repr(f)]   # an editable install's finder
sys.path[:] = [p for p in sys.path if p.startswith(sys.prefix) or not os.path.isfile(os.path.join(p, 'skin_nbdev', '__init__.py'))]
'''

def step(message:str)->float:
    "Print a step and return the time it started."
    print(f'\n== {message}', flush=True)
    return time.perf_counter()

def kaggle_layout(dest:Path, from_shared:int|None, lesions_per_dx:int)->Path:
    "HAM10000 as Kaggle mounts it, under `dest`: the metadata CSV and two folders of 600x450 JPEGs."
    from skin_nbdev.data import find_data, make_tiny_ham
    dest.mkdir(parents=True)
    if from_shared:
        source = find_data(REPO.parent/'shared'/'data'/'ham10000')
        meta = pd.read_csv(source/'HAM10000_metadata.csv')
        meta = meta.sample(frac=1, random_state=0)
        meta = meta[meta.groupby('dx').cumcount() < max(2, from_shared // 7)]   # up to N/7 of each diagnosis
        read = lambda image_id: cv2.imread(str(source/'images'/f'{image_id}.jpg'))
    else:
        drawn = make_tiny_ham(dest/'drawn', lesions_per_dx=lesions_per_dx, size=KAGGLE_SIZE)
        meta = pd.read_csv(drawn/'HAM10000_metadata.csv')
        read = lambda image_id: cv2.imread(str(drawn/'images'/f'{image_id}.jpg'))
    meta = meta.sort_values('image_id').reset_index(drop=True)
    for i, image_id in enumerate(meta.image_id):
        part = dest/f'HAM10000_images_part_{1 + (i >= len(meta) // 2)}'; part.mkdir(exist_ok=True)
        picture = cv2.resize(read(image_id), KAGGLE_SIZE, interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(str(part/f'{image_id}.jpg'), picture, [cv2.IMWRITE_JPEG_QUALITY, 92])
    shutil.rmtree(dest/'drawn', ignore_errors=True)
    meta.to_csv(dest/'HAM10000_metadata.csv', index=False)
    return dest

def framework_versions(python:Path)->str:
    "The TensorFlow and Keras versions that `python` imports, in words."
    done = subprocess.run([str(python), '-c', 'import tensorflow as tf, keras; print(tf.__version__, keras.__version__)'],
                          capture_output=True, text=True, env={**os.environ, 'TF_CPP_MIN_LOG_LEVEL': '3'})
    versions = done.stdout.split()
    return f'TensorFlow {versions[0]}, Keras {versions[1]}' if done.returncode == 0 and len(versions) == 2 else 'no working TensorFlow/Keras'

def make_python(env:Path, tensorflow:str|None, keras:str|None)->tuple[Path, str]:
    "A virtual environment that has TensorFlow and Keras but not skin_nbdev: its python, and its TensorFlow/Keras in words."
    subprocess.run([sys.executable, '-m', 'venv', *([] if tensorflow else ['--system-site-packages']), str(env)], check=True)
    python = env/'bin'/'python'
    site = Path(subprocess.run([str(python), '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site/'sitecustomize.py').write_text(HIDE_DEV_INSTALL)
    if tensorflow:
        pins = [f'tensorflow=={tensorflow}', f'keras=={keras}' if keras else 'keras', 'ipykernel']
        pip = subprocess.run([str(python), '-m', 'pip', 'install', '-q', *pins], capture_output=True, text=True)
        if pip.returncode: sys.exit(f'kaggle_rehearsal: pip could not install {pins}:\n{pip.stderr[-3000:]}')
    frameworks = framework_versions(python)
    if frameworks.startswith('no '): sys.exit(f'kaggle_rehearsal: the environment has {frameworks}')
    hidden = subprocess.run([str(python), '-c', 'import importlib.util as u; print(u.find_spec("skin_nbdev") is None)'],
                            capture_output=True, text=True).stdout.strip()
    if hidden != 'True': sys.exit('kaggle_rehearsal: skin_nbdev is importable before the first cell ran: the rehearsal would not install it')
    print(f'{frameworks}, Python {python}; skin_nbdev not installed yet')
    return python, frameworks

def build_wheel(dest:Path)->Path:
    "A wheel of this checkout (what `$SKIN_NBDEV_SOURCE` points the first cell at)."
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(dest), str(REPO)],
                   check=True, capture_output=True)
    return next(dest.glob('skin_nbdev-*.whl'))

def kernel_spec(jupyter:Path, python:Path)->str:
    "Register a kernel that runs `python`, under `jupyter` (made the first entry of $JUPYTER_PATH)."
    spec = jupyter/'kernels'/'rehearsal'; spec.mkdir(parents=True)
    (spec/'kernel.json').write_text(json.dumps(dict(argv=[str(python), '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
                                                    display_name='Kaggle rehearsal', language='python')))
    os.environ['JUPYTER_PATH'] = os.pathsep.join([str(jupyter), os.environ.get('JUPYTER_PATH', '')]).rstrip(os.pathsep)
    return 'rehearsal'

class SkipEvalFalse(NotebookClient):
    "Execute a notebook, skipping the cells marked `#| eval: false` (as the docs site and nbdev_test do)."
    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type == 'code' and re.search(r'^#\|\s*eval:\s*false', cell.source, re.M | re.I): return cell
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

def run_chapter(path:Path, kernel:str, timeout:int)->str|None:
    "Execute the chapter at `path` (alone in its folder) top to bottom in a fresh kernel; None when it ran, else what failed."
    nb = nbformat.read(path, as_version=4)
    try: SkipEvalFalse(nb, kernel_name=kernel, timeout=timeout, resources={'metadata': {'path': str(path.parent)}}).execute()
    except CellExecutionError as e: return str(e)[-3000:]
    finally: nbformat.write(nb, path)
    return None

def command(python:Path, *args:str, cwd:Path)->str:
    "Run the `skin-nbdev` command line of `python`; its output, or exit with it on failure."
    done = subprocess.run([str(python.parent/'skin-nbdev'), *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode: raise RuntimeError(f"skin-nbdev {' '.join(args)} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout

def first_run(python:Path, data:Path, working:Path, quick:bool)->list[str]:
    "The command line on the Kaggle folder: the main job, the main job with a short training, a prediction."
    failures = []
    train = (['--backbone', 'tiny_cnn', '--input-size', '48', '64', '--epochs1', '1', '--epochs2', '1'] if quick else
             ['--epochs1', '1', '--epochs2', '1', '--batch-size', '16'])
    steps = [('main job (the shipped model)', ['run', '--data', str(data)]),
             ('main job with a short training', ['run', '--train', '--data', str(data), '--out', 'runs/first', *train]),
             ('prediction of three pictures', ['predict', *map(str, sorted((data/'HAM10000_images_part_2').glob('*.jpg'))[:3])])]
    for what, args in steps:
        start = time.perf_counter()
        try: out = command(python, *args, cwd=working)
        except RuntimeError as e: failures.append(f'{what}: {e}'); print(f'   {what}: FAILED'); continue
        print(f'   {what} ({time.perf_counter() - start:.0f} s): ' + ' | '.join(out.strip().splitlines()[-3:])[:300])
    return failures

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tensorflow', help='a fresh environment with this TensorFlow (e.g. 2.16.2) instead of this machine\'s')
    parser.add_argument('--keras', help='... and this Keras (e.g. 3.4.1)')
    parser.add_argument('--from-shared', type=int, metavar='N', help='N upscaled HAM10000 pictures instead of synthetic ones')
    parser.add_argument('--quick', action='store_true', help=f'chapters {", ".join(QUICK_CHAPTERS)} and a tiny first run')
    parser.add_argument('--chapters', nargs='+', help=f'chapters to run (default: {", ".join(CHAPTERS)})')
    parser.add_argument('--full', action='store_true', help="run the chapters' real-data cells too (SKIN_NBDEV_FULL=1)")
    parser.add_argument('--timeout', type=int, default=1800, help='seconds per cell')
    parser.add_argument('--keep', metavar='DIR', help='work in DIR and keep it (default: a temporary folder, deleted)')
    args = parser.parse_args()
    if args.keras and not args.tensorflow: parser.error('--keras needs --tensorflow')
    chapters = args.chapters or (QUICK_CHAPTERS if args.quick else CHAPTERS)
    work = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix='kaggle_rehearsal_'))
    work.mkdir(parents=True, exist_ok=True)
    began, failures, home = time.perf_counter(), [], Path.cwd()
    os.chdir(work)   # as a Kaggle notebook: never inside the repository, whose skin_nbdev/ would be imported from the working folder
    try:
        start = step(f'HAM10000 as Kaggle mounts it, in {work}')
        data = kaggle_layout(work/'input'/'skin-cancer-mnist-ham10000', args.from_shared, 5 if args.quick else 10)
        parts = {p.name: len(list(p.glob('*.jpg'))) for p in sorted(data.glob('HAM10000_images_part_*'))}
        print(f'{sum(parts.values())} pictures of {KAGGLE_SIZE[0]}x{KAGGLE_SIZE[1]}: {parts} ({time.perf_counter() - start:.0f} s)')
        working = work/'working'; working.mkdir()
        for name in chapters: shutil.copyfile(REPO/'nbs'/f'{name}.ipynb', working/f'{name}.ipynb')   # the checkout as it is now
        wheel = build_wheel(work/'wheel')
        start = step('a Python with TensorFlow and Keras, without skin_nbdev')
        python, before = make_python(work/'venv', args.tensorflow, args.keras)
        print(f'ready in {time.perf_counter() - start:.0f} s; the first cell will install {wheel.name}')
        os.environ.update(SKIN_NBDEV_SOURCE=str(wheel), SKIN_NBDEV_DATA=str(data), TF_CPP_MIN_LOG_LEVEL='3')
        if args.full: os.environ['SKIN_NBDEV_FULL'] = '1'
        else: os.environ.pop('SKIN_NBDEV_FULL', None)
        kernel = kernel_spec(work/'jupyter', python)
        for name in chapters:
            start = step(f'chapter {name}, top to bottom in a fresh kernel')
            error = run_chapter(working/f'{name}.ipynb', kernel, args.timeout)
            print(f"{'FAILED' if error else 'ran'} in {time.perf_counter() - start:.0f} s" + (f':\n{error}' if error else ''))
            if error: failures.append(name)
        where = subprocess.run([str(python), '-c', 'import skin_nbdev; print(skin_nbdev.__file__)'], capture_output=True, text=True).stdout.strip()
        if not where.startswith(str(work)): failures.append(f'skin_nbdev was not installed by the first cell (imported from {where or "nowhere"})')
        else: print(f'\nskin_nbdev installed by the first cell into the environment: {Path(where).parent}')
        if (after := framework_versions(python)) != before: failures.append(f'the first cell changed the image\'s {before} to {after}')
        else: print(f'the image\'s own {after} kept')
        start = step('a first run on the command line')
        failures += first_run(python, data, working, args.quick)
    finally:
        os.chdir(home)
        if not args.keep: shutil.rmtree(work, ignore_errors=True)
    minutes = (time.perf_counter() - began) / 60
    print(f"\nrehearsal {'FAILED: ' + '; '.join(f.splitlines()[0] for f in failures) if failures else 'passed'} ({minutes:.1f} min)")
    sys.exit(1 if failures else 0)

if __name__ == '__main__':
    main()
