"""Which model format and TTA policy should `skin-nbdev predict` use? AUC, verdicts and OOD flags on the HAM10000 test split.

    python tools/compare_predict_options.py [--keras FILE] [--tflite FILE] [--isic CSV] [--n-boot 1000] [--json OUT.json]

For the shipped `.keras` model and its int8 TFLite export (default: the one in the package's assets),
each of the four flip views of the 1,502 test images is predicted once per format (images read by the
evaluation's `tf.data` pipeline, `predict_probabilities`), so that "no TTA" (the identity view) and
"TTA" (the mean of the four) come from the same passes; "selective TTA" takes the mean only for the images
within the int8 card's `tta_band` of a decision point, as the predictor does. Every option is scored with the card's
temperature and threshold (chosen on validation with TTA, never on test): AUC with its 95% bootstrap
interval by lesion, sensitivity and specificity, and how many verdicts differ from Keras + TTA (the
model the card describes). The OOD check's flags (identity view, as the predictor computes them) are
counted for both formats. The same table follows for the ISIC 2017 `val` images (never trained on; by image).
Prints the tables; asserts nothing.
"""
from __future__ import annotations
import argparse, json, os, time
from pathlib import Path

import numpy as np
import pandas as pd

def compare_options(images:pd.DataFrame, groups, models:dict, n_boot:int, name:str)->pd.DataFrame:
    """Every format x TTA option on `images` (`path`, `label`): AUC with its interval (resampling `groups`), sensitivity,
    specificity and verdicts changed against Keras + TTA, at the Keras card's threshold. Prints the table."""
    from skin_nbdev.evaluate import calibrated_probability, metrics_with_ci
    from skin_nbdev.export import load_any_model
    from skin_nbdev.predictor import decision_points, flip_views_outputs, near_decision
    y = images.label.to_numpy(int)
    print(f"{name}: {len(images)} images, {y.sum()} malignant; load average {os.getloadavg()[0]:.2f}")
    outputs, cards = {}, {}
    for fmt, path in models.items():
        model, card = load_any_model(path)
        start = time.perf_counter()
        outputs[fmt], cards[fmt] = flip_views_outputs(model, images, bool((card.get('training') or {}).get('clahe'))), card
        print(f"{fmt}: 4 views of {len(images)} images in {time.perf_counter() - start:.0f} s (load average {os.getloadavg()[0]:.2f})")
    probs = {f"{fmt}, {'TTA' if tta else 'no TTA'}": calibrated_probability(o.mean(0) if tta else o[0], cards[fmt])
             for fmt, o in outputs.items() for tta in (True, False)}
    lite_card = cards['int8 TFLite']
    if lite_card.get('tta_band'):   # selective TTA, as the predictor runs it: the 4 flips only near a decision point
        one, full = probs['int8 TFLite, no TTA'], probs['int8 TFLite, TTA']
        near = near_decision(one, decision_points(lite_card), float(lite_card['tta_band']))
        probs['int8 TFLite, selective TTA'] = np.where(near, full, one)
        print(f"selective TTA (band {lite_card['tta_band']} log-odds): the other 3 flips on {near.mean():.1%} of the images "
              f"({1 + 3 * near.mean():.2f} passes an image)")
    threshold = float(cards['Keras']['threshold'])
    reference = probs['Keras, TTA'] >= threshold
    rows = {}
    for option, p in probs.items():
        m = metrics_with_ci(y, p, groups, threshold, n_boot)
        rows[option] = dict(auc=m['auc'], auc_lo=m['auc_ci'][0], auc_hi=m['auc_ci'][1], sensitivity=m['sensitivity'],
                            specificity=m['specificity'], verdicts_changed=int(((p >= threshold) != reference).sum()),
                            max_abs_diff=float(np.abs(p - probs['Keras, TTA']).max()))
    result = pd.DataFrame(rows).T
    with pd.option_context('display.width', 200): print(result.round(4).to_string())
    return result

def main():
    from skin_nbdev.data import find_isic2017
    from skin_nbdev.evaluate import read_label_csv
    from skin_nbdev.export import load_any_model, model_split
    from skin_nbdev.explain import load_ood, table_features
    from skin_nbdev.models import DEFAULT_MODEL_PATH
    from skin_nbdev.preprocess import read_image
    from skin_nbdev.predictor import tflite_ood
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--keras', default=str(DEFAULT_MODEL_PATH))
    parser.add_argument('--tflite', default=str(DEFAULT_MODEL_PATH.with_name(DEFAULT_MODEL_PATH.stem + '_int8.tflite')))
    parser.add_argument('--split-csv', default=None, help='the split (default: remade from the card seed)')
    parser.add_argument('--isic', default=None, help='ISIC 2017 labels.csv: its val images too (found in ../shared/data when omitted)')
    parser.add_argument('--n-boot', type=int, default=1000)
    parser.add_argument('--json', default=None)
    args = parser.parse_args()
    table = pd.read_csv(args.split_csv) if args.split_csv else model_split(args.keras)
    test = table[table.split == 'test'].reset_index(drop=True)
    result = compare_options(test, test.lesion_id, {'Keras': args.keras, 'int8 TFLite': args.tflite}, args.n_boot, 'HAM10000 test')
    isic = read_label_csv(args.isic or find_isic2017()).query("split == 'val'").reset_index(drop=True) if (args.isic or find_isic2017()) else None
    external = compare_options(isic, None, {'Keras': args.keras, 'int8 TFLite': args.tflite}, args.n_boot, 'ISIC 2017 val') if isic is not None else None
    # the OOD check, identity view: Keras features vs the int8 file's second output
    ood = load_ood(args.keras)
    if ood is not None:
        keras_model, _ = load_any_model(args.keras)
        keras_scores = ood.score(table_features(keras_model, test))
        lite, lite_card = load_any_model(args.tflite)
        h, w = lite.input_shape[1:3]
        feats = [lite.predict_with_features(np.stack([read_image(p, size=(w, h)) for p in test.path[i:i + 64]]))[1]
                 for i in range(0, len(test), 64)]
        lite_ood = tflite_ood(args.tflite, lite_card)   # the int8 file's own detector (its threshold chosen on int8 features) if it has one
        if feats[0] is not None and lite_ood is not None:
            lite_scores = lite_ood.score(np.concatenate(feats))
            k, l = keras_scores > ood.threshold, lite_scores > lite_ood.threshold
            print(f"OOD (thresholds: Keras {ood.threshold:.1f}, int8 {lite_ood.threshold:.1f}): Keras flags {k.sum()}, int8 flags {l.sum()}, "
                  f"flags that differ {(k != l).sum()}; score correlation {np.corrcoef(keras_scores, lite_scores)[0, 1]:.3f}")
    if args.json: Path(args.json).write_text(json.dumps({'HAM10000 test': result.T.to_dict(),
                                                         'ISIC 2017 val': None if external is None else external.T.to_dict()}, indent=2))

if __name__ == '__main__': main()
