"""Compare a trained binary run with the shipped model on HAM10000 test and the ISIC 2017 images neither trained on.

    python tools/compare_runs.py runs/res225 [--reference MODEL.keras] [--n-boot 1000] [--no-bench]

1. The run gets its own card: `evaluate_model` (4-flip TTA, as the shipped card; the threshold chosen on both
   sources' validation images at 90% sensitivity each) gives its sensitivity and specificity on HAM10000 test,
   and `labelled_predictions` (4-flip TTA) at that same threshold on the 745 ISIC 2017 `val` + `test` images
   (`isic2017_external`: no model trains or chooses anything on them). The reference's figures are read from its
   card (`test_metrics`, and `external_metrics` under `skin_nbdev.ship.EXTERNAL_SET`), which was made the same way;
   a reference whose card lacks the external figures for these images is measured the same way as the run.
2. Each model's own output (no TTA, `table_outputs`), as the Ensembles chapter compares models: AUC with 95%
   bootstrap intervals on both sets (HAM10000 test of the run's split, `model_split`; `ham_test` and `isic`), and
   the paired bootstrap of run minus reference (`compare_aucs`).
3. Speed: `bench` on each `.keras` file, each in a fresh process (ms per image at batch 1, images/s at 32).
Every printed figure names the model it measured by its short sha256. Writes `<run>/compare.json` and
`<run>/compare.png`, prints the tables and the minutes taken. Asserts nothing.
"""
from __future__ import annotations
import argparse, time
from pathlib import Path

import numpy as np
import pandas as pd
from skin_nbdev.bundle import model_label

CARD_KEYS = ('auc', 'auc_ci', 'sensitivity', 'sensitivity_ci', 'specificity', 'specificity_ci')   # the run's own-card figures kept per set

def own_output(model_path:Path, rows:pd.DataFrame)->np.ndarray:
    "A binary model's own output (P(malignant) before its card's temperature, one view) for `rows`: what `compare_aucs` ranks."
    from skin_nbdev.decision import malignant_probability
    from skin_nbdev.inference import table_outputs
    outputs = table_outputs(model_path, rows, tta=False).outputs
    return outputs[:, 0] if outputs.shape[1] == 1 else malignant_probability(outputs)

def external_at_threshold(model_path:Path, isic_csv:Path, n_boot:int)->tuple[dict, dict]:
    "A model on the external images (4-flip TTA) at its card's threshold, by image: `metrics_with_ci`, and the card."
    from skin_nbdev.decision import card_decision
    from skin_nbdev.evaluate import labelled_predictions
    from skin_nbdev.metrics import metrics_with_ci
    rows, _, _, card = labelled_predictions(model_path, isic_csv, tta=True)
    return metrics_with_ci(rows.label.to_numpy(int), rows.prob.to_numpy(float), None, card_decision(card)[0], n_boot), card

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('run', help='a trained run folder (with model.keras)')
    parser.add_argument('--reference', default=None, help='the model compared against (default: the shipped binary model)')
    parser.add_argument('--n-boot', type=int, default=1000)
    parser.add_argument('--no-bench', action='store_true', help='skip the speed measurement')
    args = parser.parse_args()
    from skin_nbdev.bundle import checked_card, model_split, pretrained_path, short_sha
    from skin_nbdev.data import isic2017_external
    from skin_nbdev.evaluate import evaluate_model, plot_aucs
    from skin_nbdev.export import bench
    from skin_nbdev.files import write_json
    from skin_nbdev.metrics import compare_aucs
    from skin_nbdev.ship import EXTERNAL_SET
    start, run = time.time(), Path(args.run)
    model, reference = run/'model.keras', Path(args.reference or pretrained_path())
    ref_card = checked_card(reference)
    if not ref_card.get('test_metrics'): raise SystemExit(f"{reference}: its card has no test figures; evaluate it first (skin-nbdev evaluate --model {reference})")
    isic = isic2017_external()   # before the long evaluation: a machine without ISIC 2017 says so at once
    ham = evaluate_model(model, run/'evaluation', n_boot=args.n_boot, tta=True)   # writes the run's card: threshold, temperature, tiers
    isic = isic.assign(image_id=[Path(p).stem for p in isic.path], image=isic.path)   # absolute paths: a CSV anywhere finds them
    isic_csv = run/'isic2017_external.csv'
    isic[['image', 'label', 'dx', 'split']].to_csv(isic_csv, index=False)
    external, card = external_at_threshold(model, isic_csv, args.n_boot)
    ref_external = (ref_card.get('external_metrics') or {}).get(EXTERNAL_SET)
    if not ref_external or ref_external.get('n') != len(isic) or ref_external.get('model_sha256', ref_card['sha256']) != ref_card['sha256']:
        print(f"{reference.name}: no {EXTERNAL_SET} figures of {len(isic)} images in its card; measured now at its card's threshold")
        ref_external = {**external_at_threshold(reference, isic_csv, args.n_boot)[0], 'threshold': ref_card['threshold']}
    ref_sha, run_sha = short_sha(ref_card), short_sha(card)
    names = {'reference': f"{'reference (shipped)' if args.reference is None else reference.stem}, model {ref_sha}",
             'run': f'{run.name}, model {run_sha}'}
    print(f"reference: {model_label(reference)}; run: {model_label(model)}")
    operating = pd.DataFrame({
        f"{names['reference']} (card)": dict(threshold=ref_card['threshold'], ham_sensitivity=ref_card['test_metrics']['sensitivity'],
                                             ham_specificity=ref_card['test_metrics']['specificity'],
                                             isic_sensitivity=ref_external['sensitivity'], isic_specificity=ref_external['specificity']),
        names['run']: dict(threshold=ham['threshold'], ham_sensitivity=ham['sensitivity'], ham_specificity=ham['specificity'],
                           isic_sensitivity=external['sensitivity'], isic_specificity=external['specificity'])}).T
    t_eval = time.time() - start
    split = model_split(model)   # the run's split: the test images its own card was measured on
    test = split[split.split == 'test'].reset_index(drop=True)
    sets = {'ham_test': test, 'isic': isic}
    titles = {'ham_test': 'HAM10000 test', 'isic': f'ISIC 2017 val + test ({len(isic)}, never trained on)'}
    probs = {names[key]: {s: own_output(path, rows) for s, rows in sets.items()} for key, path in (('reference', reference), ('run', model))}
    aucs = compare_aucs(probs, sets, args.n_boot)
    plot_aucs(aucs, titles, f"{run.name} (model {run_sha}) against {reference.name} (model {ref_sha}), each model's own output (no TTA).",
              run/'compare.png')
    speed = {} if args.no_bench else {names[key]: bench(path, tflite_paths=[], isolate=True).iloc[0].to_dict()
                                       for key, path in (('reference', reference), ('run', model))}
    result = dict(run=str(run), reference=str(reference), run_sha256=card['sha256'], reference_sha256=ref_card['sha256'],
                  input_size=[int(s) for s in card['backbone']['input_size']],
                  reference_input_size=ref_card['backbone']['input_size'], sets=titles, aucs=aucs,
                  own_card=dict(ham_test={k: ham[k] for k in CARD_KEYS}, isic={k: external[k] for k in CARD_KEYS},
                                threshold=ham['threshold'], val_auc=ham['validation']['auc']),
                  operating_points=operating.to_dict('index'), speed=speed,
                  minutes=dict(evaluation=t_eval / 60, total=(time.time() - start) / 60))
    write_json(run/'compare.json', result)
    print(f"AUC, each model's own output (no TTA); sets: {titles}")
    print(pd.DataFrame(aucs).T.to_string())
    print(f"operating points (4-flip TTA; HAM10000 test, and {titles['isic']} as isic):")
    print(operating.round(3).to_string())
    if speed: print(pd.DataFrame(speed).T[['model_sha256', 'ms_median', 'img_per_s', 'file_mb', 'load_s']].to_string())
    print(f"{(time.time() - start) / 60:.1f} min in all")

if __name__ == '__main__': main()
