"""Which model format and TTA policy should `skin-nbdev predict` use? AUC, verdicts and OOD flags on the HAM10000 test split and the ISIC 2017 images no model trains on.

    python tools/compare_predict_options.py [--keras FILE] [--tflite FILE] [--split-csv CSV] [--isic CSV] [--n-boot 1000] [--json OUT.json]

For the shipped `.keras` model and its int8 TFLite copy (default: the ones in the package's assets), each of
the four flip views of the 1,502 test images is predicted once per format (`table_outputs(..., keep_views=True)`:
both formats read and resize the images the same way, as the predictor does), so that "no TTA" (the identity
view) and "TTA" (the mean of the four) come from the same passes; "selective TTA" takes the mean only for the
images within the TFLite card's `tta_band` of a decision point, as the predictor does. Every option is scored with
its own card's temperature (`LoadedModel.probability`) and the Keras card's threshold (chosen on validation with
TTA, never on test): AUC with its 95% bootstrap interval by lesion, sensitivity and specificity, and how many
verdicts differ from Keras + TTA (the model the card describes). The OOD check's flags (identity view, as the
predictor computes them; each format's own detector, `model_ood`: the int8 copy's threshold was set on int8
features) are counted for both formats. The same table and OOD counts follow for the 745 ISIC 2017 `val` + `test`
images (`isic2017_external`: never trained on; intervals by image). Every figure is printed under the short
sha256 of the model that gave it. Prints the tables; asserts nothing.
"""
from __future__ import annotations
import argparse, os, time
from pathlib import Path

import numpy as np
import pandas as pd
from skin_nbdev.bundle import model_label

def compare_options(images:pd.DataFrame, groups, models:dict, detectors:dict, n_boot:int, title:str)->tuple[pd.DataFrame, dict|None]:
    """Every format x TTA option on `images` (`path`, `label`): AUC with its interval (resampling `groups`), sensitivity,
    specificity and verdicts changed against Keras + TTA, at the Keras card's threshold; then the OOD flags of each format
    (`detectors`: format -> `OODDetector` or None). Prints both; returns the table and the OOD counts (None without both detectors)."""
    from skin_nbdev.decision import card_decision, decision_points, near_decision
    from skin_nbdev.inference import table_outputs
    from skin_nbdev.metrics import metrics_with_ci
    y = images.label.to_numpy(int)
    print(f"\n{title}: {len(images)} images, {y.sum()} malignant; load average {os.getloadavg()[0]:.2f}")
    views, features = {}, {}
    for fmt, model in models.items():
        start = time.perf_counter()
        out = table_outputs(model, images, keep_views=True)   # (4, n, k): identity, left-right, up-down, 180 degrees
        views[fmt], features[fmt] = out.views, out.features
        print(f"{fmt}, {model_label(model)}: 4 views of {len(images)} images in {time.perf_counter() - start:.0f} s "
              f"(load average {os.getloadavg()[0]:.2f})")
    probs = {f"{fmt}, {'TTA' if tta else 'no TTA'}": models[fmt].probability(v.mean(0) if tta else v[0])
             for fmt, v in views.items() for tta in (True, False)}
    lite_fmt, lite = next(((f, m) for f, m in models.items() if m.is_tflite), (None, None))
    if lite is not None and lite.card.get('tta_band'):   # selective TTA, as the predictor runs it: the 4 flips only near a decision point
        band = float(lite.card['tta_band'])
        one, full = probs[f'{lite_fmt}, no TTA'], probs[f'{lite_fmt}, TTA']
        near = near_decision(one, decision_points(lite.card), band)
        probs[f'{lite_fmt}, selective TTA'] = np.where(near, full, one)
        print(f"selective TTA (band {band:g} log-odds): the other 3 flips on {near.mean():.1%} of the images "
              f"({1 + 3 * near.mean():.2f} passes an image)")
    threshold = card_decision(models['Keras'].card)[0]
    reference = probs['Keras, TTA'] >= threshold
    rows = {}
    for option, p in probs.items():
        m = metrics_with_ci(y, p, groups, threshold, n_boot)
        rows[option] = dict(auc=m['auc'], auc_lo=m['auc_ci'][0], auc_hi=m['auc_ci'][1], sensitivity=m['sensitivity'],
                            specificity=m['specificity'], verdicts_changed=int(((p >= threshold) != reference).sum()),
                            max_abs_diff=float(np.abs(p - probs['Keras, TTA']).max()))
    result = pd.DataFrame(rows).T
    print(f"{title}, threshold {threshold:.4f} (the Keras card's); " + '; '.join(f'{fmt} = {model_label(m)}' for fmt, m in models.items()))
    with pd.option_context('display.width', 200): print(result.round(4).to_string())
    ood = None
    if all(detectors.get(f) is not None and features[f] is not None for f in models):   # the OOD check, identity view
        scores = {f: detectors[f].score(features[f]) for f in models}
        flags = {f: scores[f] > detectors[f].threshold for f in models}
        (k_fmt, k), (l_fmt, l) = list(flags.items())[:2]
        ood = dict(thresholds={f: float(d.threshold) for f, d in detectors.items()}, flags={f: int(v.sum()) for f, v in flags.items()},
                   flags_differ=int((k != l).sum()), score_correlation=float(np.corrcoef(scores[k_fmt], scores[l_fmt])[0, 1]))
        print(f"OOD on {title} (thresholds: " + ', '.join(f'{f} {t:.1f}' for f, t in ood['thresholds'].items()) + "): " +
              ', '.join(f'{f} flags {n}' for f, n in ood['flags'].items()) +
              f", flags that differ {ood['flags_differ']}; score correlation {ood['score_correlation']:.3f}")
    else: print(f"OOD on {title}: not compared (" + ', '.join(f"{f}: {'no detector' if detectors.get(f) is None else 'no pooled features'}"
                                                     for f in models if detectors.get(f) is None or features[f] is None) + ")")
    return result, ood

def main():
    from skin_nbdev.bundle import DEFAULT_MODEL_PATH, FAST_MODEL_PATH
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--keras', default=str(DEFAULT_MODEL_PATH), help='the .keras model (default: the shipped one)')
    parser.add_argument('--tflite', default=str(FAST_MODEL_PATH), help='its TFLite copy (default: the shipped int8 copy)')
    parser.add_argument('--split-csv', default=None, help="the split (default: the Keras model's, `model_split`)")
    parser.add_argument('--isic', default=None, help='ISIC 2017 labels.csv: its val + test images too (found in ../shared/data when omitted)')
    parser.add_argument('--n-boot', type=int, default=1000)
    parser.add_argument('--json', default=None, help='also write the tables and OOD counts here')
    args = parser.parse_args()
    from skin_nbdev.bundle import model_split
    from skin_nbdev.data import find_isic2017, isic2017_external, load_split
    from skin_nbdev.explain import model_ood
    from skin_nbdev.files import write_json
    from skin_nbdev.inference import load_model
    keras_model, lite = load_model(args.keras), load_model(args.tflite)
    models = {'Keras': keras_model, f"{lite.format.removeprefix('tflite-')} TFLite": lite}
    detectors = {fmt: model_ood(m) for fmt, m in models.items()}
    print('models: ' + '; '.join(f'{fmt} = {m.path.name}, {model_label(m)}' for fmt, m in models.items()))
    table = load_split(args.split_csv) if args.split_csv else model_split(args.keras)
    test = table[table.split == 'test'].reset_index(drop=True)
    sets = {'ham_test': ('HAM10000 test', test, test.lesion_id)}
    isic_csv = args.isic or find_isic2017()
    if isic_csv:
        isic = isic2017_external(isic_csv)
        sets['isic'] = (f'ISIC 2017 val + test ({len(isic)}, never trained on)', isic, None)
    else: print('ISIC 2017 not found (shared/data/isic2017/labels.csv beside the repository, or --isic): its table is left out')
    results = {key: compare_options(rows, groups, models, detectors, args.n_boot, title) for key, (title, rows, groups) in sets.items()}
    if args.json:
        write_json(Path(args.json), dict(
            models={fmt: dict(file=str(m.path), model_sha256=m.sha, named=model_label(m)) for fmt, m in models.items()},
            sets={key: title for key, (title, _, _) in sets.items()}, n_boot=args.n_boot,
            **{key: dict(options=result.T.to_dict(), ood=ood) for key, (result, ood) in results.items()}), indent=2)

if __name__ == '__main__': main()
