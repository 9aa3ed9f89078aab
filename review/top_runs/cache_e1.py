import json, sys, time
sys.path.insert(0, '/tmp/proto')
import numpy as np, pandas as pd
from top import *
from skin_nbdev.train import TrainConfig
from skin_nbdev.data import load_split, extra_training_rows, class_names
out = Path('/work/main/runs/top')
card = json.load(open('/work/main/runs/distill/model.json'))
config = TrainConfig(**{**card['training'], 'teacher': None})
table = load_split('/work/main/runs/distill/split.csv')
extra = extra_training_rows(config.extra, 'binary', set(table.image_id[table.split != 'train']), config.extra_val, config.split_seed)
names = class_names('multiclass')
table['dx_idx'] = table.dx.map({n: i for i, n in enumerate(names)})
cols = ['image_id', 'dx', 'dx_idx', 'label', 'path']  # dx_idx -1: no HAM dx code (ISIC nv_or_sk)
train = pd.concat([table[table.split == 'train'][cols].assign(source='HAM10000'), extra[extra.split == 'train'][cols].assign(source='isic2017')], ignore_index=True)
val = table[table.split == 'val'][cols].reset_index(drop=True)
print(len(train), len(val), train.source.value_counts().to_dict(), flush=True)
train.to_csv(out/'train_rows.csv', index=False); val.to_csv(out/'val_rows.csv', index=False)
student = keras.saving.load_model('/work/main/runs/distill/model.keras', safe_mode=True)
bottom, top = split_at(student, 'block7_add')
print(bottom.output_shape, flush=True)
h, w = config.size
t = time.time()
np.save(out/'val_acts.npy', cache_activations(bottom, val, (w, h), 0, config.augmentation, 0))
np.save(out/'train_acts.npy', cache_activations(bottom, train, (w, h), 3, config.augmentation, 0))
print(f'cache written in {time.time() - t:.0f} s', flush=True)
