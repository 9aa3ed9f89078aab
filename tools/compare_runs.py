"""Compare a trained binary run with the shipped model on HAM10000 test and the ISIC 2017 images neither trained on.

    python tools/compare_runs.py runs/res225 [--reference MODEL.keras] [--n-boot 1000] [--no-bench]

1. The run gets its own card: `evaluate_model` (4-flip TTA, as the shipped card; the threshold chosen on both
   sources' validation images at 90% sensitivity each) gives its sensitivity and specificity on HAM10000 test,
   and `labelled_predictions` at that same threshold on the 150 ISIC 2017 `val` images. The reference's figures
   are read from its card, which was made the same way.
2. Each model's own output (no TTA), as the Ensembles chapter compares models: AUC with 95% bootstrap intervals
   on both sets, and the paired bootstrap of run minus reference (`compare_aucs`).
3. Speed: `bench_model` on each `.keras` file, each in a fresh process (ms per image at batch 1, images/s at 32).
Writes `<run>/compare.json` and `<run>/compare.png`, prints a table and the minutes taken. Asserts nothing.
"""
from __future__ import annotations
import argparse, time
from pathlib import Path

import pandas as pd

SETS = {'ham_test': 'HAM10000 test', 'isic_val': 'ISIC 2017 val (never trained on)'}
CARD_KEYS = ('auc', 'auc_ci', 'sensitivity', 'sensitivity_ci', 'specificity', 'specificity_ci')   # the run's own-card figures kept per set

def main():
    from skin_nbdev.data import find_isic2017, make_split
    from skin_nbdev.ensemble import compare_aucs, plot_aucs
    from skin_nbdev.evaluate import evaluate_model, labelled_predictions, metrics_with_ci, read_label_csv
    from skin_nbdev.export import bench
    from skin_nbdev.files import write_json
    from skin_nbdev.metadata import model_outputs
    from skin_nbdev.models import card_decision, checked_card, pretrained_path
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('run', help='a trained run folder (with model.keras)')
    parser.add_argument('--reference', default=None, help='the model compared against (default: the shipped binary model)')
    parser.add_argument('--n-boot', type=int, default=1000)
    parser.add_argument('--no-bench', action='store_true', help='skip the speed measurement')
    args = parser.parse_args()
    start, run = time.time(), Path(args.run)
    model, reference = run/'model.keras', Path(args.reference or pretrained_path())
    ham = evaluate_model(model, run/'evaluation', n_boot=args.n_boot, tta=True)
    isic = read_label_csv(find_isic2017()).query("split == 'val'").reset_index(drop=True)
    isic = isic.assign(image_id=[Path(p).stem for p in isic.image], image=isic.path)   # absolute paths: a CSV anywhere finds them
    isic_csv = run/'isic2017_val.csv'
    isic[['image', 'label', 'dx', 'split']].to_csv(isic_csv, index=False)
    rows, _, _, card = labelled_predictions(model, isic_csv)
    external = metrics_with_ci(rows.label.to_numpy(int), rows.prob.to_numpy(float), None, card_decision(card)[0], args.n_boot)
    ref_card = checked_card(reference)
    operating = pd.DataFrame({
        'reference (card)': dict(threshold=ref_card['threshold'], ham_sensitivity=ref_card['test_metrics']['sensitivity'],
                                 ham_specificity=ref_card['test_metrics']['specificity'],
                                 isic_sensitivity=ref_card['external_metrics']['ISIC 2017 val']['sensitivity'],
                                 isic_specificity=ref_card['external_metrics']['ISIC 2017 val']['specificity']),
        run.name: dict(threshold=ham['threshold'], ham_sensitivity=ham['sensitivity'], ham_specificity=ham['specificity'],
                       isic_sensitivity=external['sensitivity'], isic_specificity=external['specificity'])}).T
    t_eval = time.time() - start
    split = make_split()
    test = split[split.split == 'test'].reset_index(drop=True)
    sets = {'ham_test': test, 'isic_val': isic}
    probs = {name: {s: model_outputs(path, rows)[1] for s, rows in sets.items()} for name, path in
             (('reference (shipped)' if args.reference is None else reference.stem, reference), (run.name, model))}
    aucs = compare_aucs(probs, sets, args.n_boot)
    plot_aucs(aucs, SETS, f'{run.name} against {reference.name}, each model\'s own output (no TTA).', run/'compare.png')
    speed = {} if args.no_bench else {name: bench(path, tflite_paths=[], isolate=True).iloc[0].to_dict()
                                       for name, path in (('reference', reference), (run.name, model))}
    result = dict(run=str(run), reference=str(reference), input_size=[int(s) for s in card['backbone']['input_size']],
                  reference_input_size=ref_card['backbone']['input_size'], aucs=aucs,
                  own_card=dict(ham_test={k: ham[k] for k in CARD_KEYS}, isic_val={k: external[k] for k in CARD_KEYS},
                                threshold=ham['threshold'], val_auc=ham['validation']['auc']),
                  operating_points=operating.to_dict('index'), speed=speed,
                  minutes=dict(evaluation=t_eval / 60, total=(time.time() - start) / 60))
    write_json(run/'compare.json', result)
    print(pd.DataFrame(aucs).T.to_string())
    print(operating.round(3).to_string())
    if speed: print(pd.DataFrame(speed).T[['ms_median', 'img_per_s', 'file_mb', 'load_s']].to_string())
    print(f"{(time.time() - start) / 60:.1f} min in all")

if __name__ == '__main__': main()
