"""Ship a trained 7-class run as the package's int8 TFLite model, with its own evaluated card.

    python tools/ship_multiclass.py runs/NAME/model.keras [--tta] [--n-boot 1000] [--keep DIR]

1. `ship_model` copies the run's model (without optimizer state) to DIR (default: `<run>/shipped`)
   as `ham10000_multiclass_efficientnet_lite0.keras` and evaluates it on the test split: threshold,
   temperature and the 7 class shifts are chosen on validation, the figures go in its card.
2. `export_tflite` writes its int8 copy into `skin_nbdev/assets/` (`pretrained_path('multiclass')`),
   calibrated on 300 training images.
3. `evaluate_model` evaluates that int8 file itself, so its card's class shifts and test figures
   (balanced accuracy with its lesion-bootstrap interval, per-class recall, 7x7 confusion matrix)
   are those of the file that ships, not of the Keras model.

`--tta` evaluates with the four flips; the predictor runs the 7-class model once per image, so the
default (no TTA) is what `top_dx` does. Prints both files' headline figures and the minutes taken.
"""
from __future__ import annotations
import argparse, time
from pathlib import Path

def main():
    from skin_nbdev.evaluate import ship_model, evaluate_model
    from skin_nbdev.export import export_tflite, model_split
    from skin_nbdev.models import pretrained_path, update_card
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('model', help="a 7-class run's model.keras")
    parser.add_argument('--tta', action='store_true', help='evaluate (and choose the shifts) with the four flips')
    parser.add_argument('--n-boot', type=int, default=1000)
    parser.add_argument('--keep', default=None, help='folder for the shipped .keras (default: <run>/shipped)')
    args = parser.parse_args()
    start, model = time.time(), Path(args.model)
    dest = pretrained_path('multiclass')
    keras_copy = Path(args.keep or model.parent/'shipped')/dest.name.replace('_int8.tflite', '.keras')
    keras_result = ship_model(model, keras_copy, n_boot=args.n_boot, tta=args.tta, out_dir=keras_copy.parent/'evaluation_keras')
    print(f"Keras: balanced accuracy {keras_result['multiclass']['balanced_accuracy']:.3f} {keras_result['multiclass']['balanced_accuracy_ci']} "
          f"({(time.time() - start) / 60:.1f} min)")
    table = model_split(keras_copy)
    written = export_tflite(keras_copy, dest.parent, formats=('int8',), calibration_images=table, features=False)['int8']
    assert written == dest, (written, dest)
    int8_result = evaluate_model(dest, keras_copy.parent/'evaluation_int8', n_boot=args.n_boot, tta=args.tta)
    update_card(dest, {'test_metrics_source': f'{dest.name} itself (evaluate_model on the int8 file)'})
    m = int8_result['multiclass']
    print(f"int8: balanced accuracy {m['balanced_accuracy']:.3f} {m['balanced_accuracy_ci']}, unshifted {m['balanced_accuracy_unshifted']:.3f}; "
          f"binary AUC {int8_result['auc']:.3f} {int8_result['auc_ci']}; {dest} {dest.stat().st_size / 1e6:.2f} MB; "
          f"{(time.time() - start) / 60:.1f} min in all")

if __name__ == '__main__': main()
