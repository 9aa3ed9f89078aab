"""Which model format and TTA policy should `skin-nbdev predict` use? AUC, verdicts and OOD flags on the HAM10000 test split.

    python tools/compare_predict_options.py [--keras FILE] [--tflite FILE] [--n-boot 1000] [--json OUT.json]

For the shipped `.keras` model and its int8 TFLite export (default: the one in the package's assets),
each of the four flip views of the 1,502 test images is predicted once per format (images read by the
evaluation's `tf.data` pipeline, `predict_probabilities`), so that "no TTA" (the identity view) and
"TTA" (the mean of the four) come from the same passes; "selective TTA" takes the mean only for the images
within the int8 card's `tta_band` of a decision point, as the predictor does. Every option is scored with the card's
temperature and threshold (chosen on validation with TTA, never on test): AUC with its 95% bootstrap
interval by lesion, sensitivity and specificity, and how many verdicts differ from Keras + TTA (the
model the card describes). The OOD check's flags (identity view, as the predictor computes them) are
counted for both formats. Prints a table; asserts nothing.
"""
from __future__ import annotations
import argparse, json, os, time
from pathlib import Path

import numpy as np
import pandas as pd

def main():
    from skin_nbdev.evaluate import calibrated_probability, metrics_with_ci
    from skin_nbdev.export import load_any_model, model_split
    from skin_nbdev.explain import load_ood, table_features
    from skin_nbdev.models import DEFAULT_MODEL_PATH
    from skin_nbdev.preprocess import read_image
    from skin_nbdev.predictor import decision_points, flip_views_outputs, near_decision, tflite_ood
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--keras', default=str(DEFAULT_MODEL_PATH))
    parser.add_argument('--tflite', default=str(DEFAULT_MODEL_PATH.with_name(DEFAULT_MODEL_PATH.stem + '_int8.tflite')))
    parser.add_argument('--split-csv', default=None, help='the split (default: remade from the card seed)')
    parser.add_argument('--n-boot', type=int, default=1000)
    parser.add_argument('--json', default=None)
    args = parser.parse_args()
    table = pd.read_csv(args.split_csv) if args.split_csv else model_split(args.keras)
    test = table[table.split == 'test'].reset_index(drop=True)
    y = test.label.to_numpy(int)
    print(f"HAM10000 test split: {len(test)} images, {y.sum()} malignant; load average {os.getloadavg()[0]:.2f}")
    outputs, cards, seconds = {}, {}, {}
    for fmt, path in (('Keras', args.keras), ('int8 TFLite', args.tflite)):
        model, card = load_any_model(path)
        start = time.perf_counter()
        outputs[fmt], cards[fmt] = flip_views_outputs(model, test, bool((card.get('training') or {}).get('clahe'))), card
        seconds[fmt] = time.perf_counter() - start
        print(f"{fmt}: 4 views of {len(test)} images in {seconds[fmt]:.0f} s (load average {os.getloadavg()[0]:.2f})")
    probs = {f"{fmt}, {'TTA' if tta else 'no TTA'}": calibrated_probability(o.mean(0) if tta else o[0], cards[fmt])
             for fmt, o in outputs.items() for tta in (True, False)}
    lite_card = cards['int8 TFLite']
    if lite_card.get('tta_band'):   # selective TTA, as the predictor runs it: the 4 flips only near a decision point
        one, full = probs['int8 TFLite, no TTA'], probs['int8 TFLite, TTA']
        near = near_decision(one, decision_points(lite_card), float(lite_card['tta_band']))
        probs['int8 TFLite, selective TTA'] = np.where(near, full, one)
        print(f"selective TTA (band {lite_card['tta_band']} log-odds): the other 3 flips on {near.mean():.1%} of the test images "
              f"({1 + 3 * near.mean():.2f} passes an image)")
    threshold = float(cards['Keras']['threshold'])
    reference = probs['Keras, TTA'] >= threshold
    rows = {}
    for name, p in probs.items():
        m = metrics_with_ci(y, p, test.lesion_id, threshold, args.n_boot)
        rows[name] = dict(auc=m['auc'], auc_lo=m['auc_ci'][0], auc_hi=m['auc_ci'][1], sensitivity=m['sensitivity'],
                          specificity=m['specificity'], verdicts_changed=int(((p >= threshold) != reference).sum()),
                          max_abs_diff=float(np.abs(p - probs['Keras, TTA']).max()))
    result = pd.DataFrame(rows).T
    with pd.option_context('display.width', 200): print(result.round(4).to_string())
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
    if args.json: Path(args.json).write_text(json.dumps({'n': len(test), 'threshold': threshold, 'options': rows}, indent=2))

if __name__ == '__main__': main()
