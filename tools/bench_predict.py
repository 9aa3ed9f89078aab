"""How fast is `skin-nbdev predict`? Images per second after loading, on the first N HAM10000 images.

    python tools/bench_predict.py --n 1000                     # the default model and TTA, in-process
    python tools/bench_predict.py --n 1000 --model FILE --no-tta
    python tools/bench_predict.py --n 1000 --cli               # also time the real command, end to end

In-process it runs what `cmd_predict` runs (load the `Predictor` once, then `predict_paths` with the
HAM10000 metadata for the truth, then the printed table), timed in two passes over the same files:
a clean pass (the figure), and a profiled pass that times each stage by wrapping the functions the
predictor calls (decode: reading the file, `item_bytes`, and decoding it, `LoadedModel.decode`; quality:
`image_warnings` and `quality_warnings`; model: `forward` of the binary model, selective TTA's extra flips
(`selective_tta`) included; top_dx: the 7-class model naming the diagnosis (`Predictor.diagnoses`, its own
forward pass included); ood: the out-of-distribution score (`Predictor.ood_scores`); table: scores,
verdicts and rows (`Predictor.scores`, `Predictor.rows`); other: the rest, the data frame included).
Decoding runs in a thread next to the model: then the stages add up to more than the wall time. Every
figure names the model it measured by its short sha256 (and the 7-class model's, when it names `top_dx`).
The 1-minute load average is printed before and after: on a shared 2-core machine a figure taken under load
is not the machine's figure. Prints figures; asserts nothing.
"""
from __future__ import annotations
import argparse, contextlib, io, os, subprocess, sys, tempfile, time
from collections import defaultdict
from pathlib import Path
from skin_nbdev.bundle import model_label

def load_avg()->str: return '/'.join(f'{x:.2f}' for x in os.getloadavg())

def ham_images(n:int)->list[str]:
    "The first `n` HAM10000 images, sorted by image id."
    from skin_nbdev.data import load_metadata
    return sorted(load_metadata().path.astype(str))[:n]

_ABSENT = object()

def wrap(owner, name:str, stage:str, spent:dict, when:callable|None=None)->tuple:
    """Replace `owner.name` by a timed version adding its seconds to `spent[stage]` (only for calls where `when(*args)` is true,
    if given); return what `restore` needs to undo it."""
    before, original = vars(owner).get(name, _ABSENT), getattr(owner, name)
    def timed(*args, **kwargs):
        if when is not None and not when(*args, **kwargs): return original(*args, **kwargs)
        start = time.perf_counter()
        try: return original(*args, **kwargs)
        finally: spent[stage] += time.perf_counter() - start
    setattr(owner, name, timed)
    return owner, name, before

def restore(owner, name:str, before)->None:
    "Undo `wrap`: the attribute as it was (an instance's own attribute removed, so its class's method shows again)."
    if before is _ABSENT: delattr(owner, name)
    else: setattr(owner, name, before)

def profiled(predictor, paths:list[str], metadata)->dict:
    "Seconds per stage of one `predict_paths` call, with the stage functions wrapped."
    import skin_nbdev.predictor as P
    binary = lambda model, *args, **kwargs: model is predictor.model   # the 7-class model's `forward` counts under top_dx (inside `diagnoses`)
    stages = [(P, 'item_bytes', 'decode', None), (predictor.model, 'decode', 'decode', None),
              (P, 'image_warnings', 'quality', None), (P, 'quality_warnings', 'quality', None),
              (P, 'forward', 'model', binary), (P, 'selective_tta', 'model', None),
              (P.Predictor, 'rows', 'table', None), (P.Predictor, 'scores', 'table', None),
              (P.Predictor, 'diagnoses', 'top_dx', None), (P.Predictor, 'ood_scores', 'ood', None)]
    missing = [f"{getattr(owner, '__name__', type(owner).__name__)}.{name}" for owner, name, _, _ in stages if not hasattr(owner, name)]
    if missing: raise AttributeError(f"the predictor no longer calls {missing}: update the stages of tools/bench_predict.py")
    spent, undo = defaultdict(float), []
    try:
        for owner, name, stage, when in stages: undo.append(wrap(owner, name, stage, spent, when))
        start = time.perf_counter()
        P.predict_paths(paths, predictor, metadata=metadata, progress_bar=False)
        spent['total (wall)'] = time.perf_counter() - start
    finally:
        for owner, name, before in reversed(undo): restore(owner, name, before)
    spent['other'] = spent['total (wall)'] - sum(v for k, v in spent.items() if k != 'total (wall)')
    return dict(spent)

def in_process(n:int, model:str|None, tta:bool|None, batch_size:int|None, top_dx:bool=True)->None:
    "Load once, predict the first `n` HAM images as `cmd_predict` does, print images/s and the profile."
    start = time.perf_counter()
    from skin_nbdev.bundle import default_predict_model
    from skin_nbdev.cli import print_rows
    from skin_nbdev.data import ham_metadata
    from skin_nbdev.predictor import Predictor, predict_paths
    imported = time.perf_counter() - start
    paths = ham_images(n)
    start = time.perf_counter()
    predictor = Predictor(model or default_predict_model(), batch_size=batch_size or 32, tta=tta,   # as `cmd_predict` makes it
                          dx_model='auto' if top_dx else None)
    metadata = ham_metadata(None)
    loaded = time.perf_counter() - start
    measured = model_label(predictor.model) + (f", top_dx by {model_label(predictor.dx)}" if predictor.dx is not None else '')
    print(f"{predictor}\nimport {imported:.1f} s, load {loaded:.2f} s (model, card, OOD detector, HAM metadata); batch {predictor.batch_size}")
    predict_paths(paths[:predictor.batch_size], predictor, metadata=metadata, progress_bar=False)   # warm-up: first calls allocate
    before = load_avg()
    start = time.perf_counter()
    rows = predict_paths(paths, predictor, metadata=metadata, progress_bar=False)
    with contextlib.redirect_stdout(io.StringIO()): print_rows(rows)
    seconds = time.perf_counter() - start
    print(f"{measured}: {len(paths)} images in {seconds:.2f} s: {len(paths) / seconds:.1f} images/s after loading "
          f"(prediction + printed table; load average {before} -> {load_avg()}); {(rows.error != '').sum()} error rows")
    spent = profiled(predictor, paths, metadata)
    total = spent['total (wall)']
    print(f"profile of {measured} (second pass, wrapped; load average {load_avg()}):")
    for stage in ('decode', 'quality', 'model', 'top_dx', 'ood', 'table', 'other', 'total (wall)'):
        if stage in spent: print(f"  {stage:13s} {spent[stage]:7.2f} s  {1000 * spent[stage] / len(paths):6.2f} ms/image  {spent[stage] / total:6.1%}")
    if spent['other'] < 0: print("  (other < 0: decoding and the quality checks ran in a thread while the model ran)")

def cli(n:int, model:str|None, tta:bool|None, top_dx:bool=True)->None:
    "Time the real `skin-nbdev predict` command on `n` and on 10 images: the difference is the per-image cost."
    from skin_nbdev.bundle import default_predict_model
    paths = ham_images(n)
    extra = (['--model', model] if model else []) + ([] if tta is None else ['--tta' if tta else '--no-tta']) + ([] if top_dx else ['--no-top-dx'])
    times = {}
    for k in (10, n):
        with tempfile.TemporaryDirectory() as tmp:
            listing = Path(tmp)/'images.csv'
            listing.write_text('image\n' + '\n'.join(paths[:k]) + '\n')
            before, start = load_avg(), time.perf_counter()
            done = subprocess.run([sys.executable, '-m', 'skin_nbdev.cli', 'predict', '--csv-in', str(listing), *extra],
                                  capture_output=True, text=True)
            times[k] = time.perf_counter() - start
        used = next((l for l in done.stdout.splitlines() if l.startswith('Predictor(')), '?')
        print(f"skin-nbdev predict, {k} images: {times[k]:.1f} s end to end (exit {done.returncode}; load average {before} -> {load_avg()})")
    print(f"  {used}\n  {model_label(model or default_predict_model())}, per image after loading: {(n - 10) / (times[n] - times[10]):.1f} images/s "
          f"(({n} - 10) images / ({times[n]:.1f} - {times[10]:.1f}) s)")

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--n', type=int, default=1000, help='how many HAM10000 images (the first, by image id)')
    parser.add_argument('--model', default=None, help='model file (default: what `skin-nbdev predict` uses)')
    parser.add_argument('--tta', action=argparse.BooleanOptionalAction, default=None, help='default: as the predictor decides')
    parser.add_argument('--batch-size', type=int, default=None, help="images per model call (default: 32, as the command)")
    parser.add_argument('--top-dx', action=argparse.BooleanOptionalAction, default=True, help="the 7-class model's top diagnosis (as the command)")
    parser.add_argument('--cli', action='store_true', help='also time the real command in a subprocess')
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {load_avg()}")
    in_process(args.n, args.model, args.tta, args.batch_size, args.top_dx)
    if args.cli: cli(args.n, args.model, args.tta, args.top_dx)
