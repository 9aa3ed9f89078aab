"""Ship a trained binary run as the package's model, with everything that belongs to the shipped file.

    python tools/ship_binary.py runs/distill/model.keras [--isic ../shared/data/isic2017/labels.csv] [--n-boot 1000]

Every companion is refitted on the new file, in the order the next step needs it:
1. `ship_model(..., tta=True)`: the `.keras` copy in `skin_nbdev/assets/`, its threshold chosen on validation
   (both sources' where the run held ISIC 2017 `train` rows out), its card with the test figures.
2. `evaluate_csv` on the ISIC 2017 `val` images (never trained on): the card's `external_metrics`.
3. `fit_ood`: the out-of-distribution statistics next to it.
4. `fit_adjuster`: the metadata adjuster, on the validation split's TTA probabilities (as the metadata chapter does).
5. `export_tflite(..., formats=('int8',))`: the int8 file the predictor uses by default, with the card, adjuster and
   detector copied beside it; `tflite_ood_threshold` then sets its OOD threshold on its own features.
6. `fit_card_tta_band`: the band of selective test-time augmentation of the int8 file, on its validation images.
Prints each step's minutes and the headline figures. Asserts nothing.
"""
from __future__ import annotations
import argparse, tempfile, time
from pathlib import Path

def main():
    from skin_nbdev.data import find_isic2017
    from skin_nbdev.evaluate import calibrated_probability, evaluate_csv, predict_probabilities, read_label_csv, ship_model
    from skin_nbdev.explain import fit_ood
    from skin_nbdev.export import export_tflite, model_split, tflite_ood_threshold
    from skin_nbdev.metadata import MetadataEncoder, fit_adjuster, metadata_path
    from skin_nbdev.models import checked_card, load_model, pretrained_path, update_card
    from skin_nbdev.predictor import fit_card_tta_band
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('model', help="a trained run's model.keras")
    parser.add_argument('--isic', default=None, help='ISIC 2017 labels.csv (found in ../shared/data when omitted)')
    parser.add_argument('--n-boot', type=int, default=1000)
    args = parser.parse_args()
    start, dest = time.time(), pretrained_path('binary')
    clock = lambda step: print(f'{step}: {(time.time() - start) / 60:.1f} min', flush=True)

    shipped = ship_model(args.model, dest, n_boot=args.n_boot, tta=True)
    clock(f"shipped to {dest} (test AUC {shipped['auc']:.3f}, threshold {shipped['threshold']:.3f})")
    split = model_split(dest)   # remade from the card's split seed, which ship_model checked against the run's

    isic = read_label_csv(args.isic or find_isic2017()).query("split == 'val'")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp)/'isic2017_val.csv'
        isic.assign(image=isic.path).drop(columns='path').to_csv(csv, index=False)
        ext = evaluate_csv(dest, csv, Path(args.model).parent/'shipped_external', n_boot=args.n_boot)
    keys = ('n', 'prevalence', 'auc', 'auc_ci', 'sensitivity', 'sensitivity_ci', 'specificity', 'specificity_ci', 'ece')
    update_card(dest, {'external_metrics': {'ISIC 2017 val': {**{k: ext[k] for k in keys}, 'resampled': 'images (no lesion ids)',
                                                              'positives': 'melanoma only', 'never_trained_on': True,
                                                              'threshold': shipped['threshold']}}})
    clock(f"ISIC 2017 val: AUC {ext['auc']:.3f}, sensitivity {ext['sensitivity']:.3f}, specificity {ext['specificity']:.3f}")

    fit_ood(dest, split)
    clock('OOD statistics')

    model, card = load_model(dest)
    val = split[split.split == 'val'].reset_index(drop=True)
    prob = calibrated_probability(predict_probabilities(model, val, tta=True), card)
    encoder = MetadataEncoder().fit(split[split.split == 'train'])
    adjuster, _ = fit_adjuster(prob, val, encoder, card['sha256'], card.get('target_sensitivity', 0.9))
    adjuster.save(metadata_path(dest))
    clock(f'metadata adjuster (threshold {adjuster.threshold:.3f})')

    int8 = export_tflite(dest, formats=('int8',), calibration_images=split)['int8']
    tflite_ood_threshold(int8, split)
    clock(f'int8 export {int8.name} ({int8.stat().st_size / 1e6:.2f} MB) and its OOD threshold')

    changes = fit_card_tta_band(int8, split)
    clock(f"selective TTA band {checked_card(int8)['tta_band']} log-odds\n{changes.round(4).to_string()}")

if __name__ == '__main__': main()
