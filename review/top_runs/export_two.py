"""The E2 two-head network as the predictor reads it: outputs [P(malignant), 7 classes], saved with the student's
decision entries (threshold, temperature, tiers, TTA band), then its int8 copy: for timing one-pass predict only."""
import json, sys
from pathlib import Path
from skin_nbdev.runtime import keras as _k
from skin_nbdev.bundle import save_model, update_card, checked_card
from skin_nbdev.export import export_tflite
from skin_nbdev.data import load_split, DX_CLASSES
keras = _k()
tag = sys.argv[1]
out = Path('/work/main/runs/top')/f'{tag}_bundle'; out.mkdir(exist_ok=True)
m = keras.saving.load_model(f'/work/main/runs/top/{tag}.keras', safe_mode=True)
net = keras.Model(m.inputs[0], [m.get_layer('prob').output, m.get_layer('dx').output], name='two_head')
card = {k: v for k, v in json.load(open('/work/main/runs/distill/model.json')).items()
        if k not in ('sha256', 'model_file', 'created', 'written_by', 'keras_min', 'trained_in', 'package_version', 'format_version')}
path = save_model(net, out/'model.keras', {**card, 'dx_head': {'class_names': list(DX_CLASSES)}})
split = load_split('/work/main/runs/distill/split.csv')
int8 = export_tflite(path, formats=('int8',), calibration_images=split)['int8']
shipped_int8 = json.load(open('/work/main/skin_nbdev/assets/ham10000_binary_efficientnet_lite0_int8.json'))
update_card(int8, {'tta_band': shipped_int8['tta_band']})
print(int8, checked_card(int8)['outputs'], checked_card(int8)['sha256'][:12])
