import json, sys
sys.path.insert(0, '/tmp/proto')
from top import *
from skin_nbdev.train import TrainConfig
from skin_nbdev.data import load_split, extra_training_rows, class_names, isic2017_external
out = Path('/work/main/runs/top')
card = json.load(open('/work/main/runs/distill/model.json'))
config = TrainConfig(**{**card['training'], 'teacher': None})
table = load_split('/work/main/runs/distill/split.csv')
names = class_names('multiclass'); idx = {n: i for i, n in enumerate(names)}
extra = extra_training_rows(config.extra, 'binary', set(table.image_id[table.split != 'train']), config.extra_val, config.split_seed)
sets = {'test': table[table.split == 'test'].assign(dx_idx=lambda t: t.dx.map(idx)),
        'extra_val': extra[extra.split == 'val'],
        'isic745': isic2017_external().assign(dx_idx=lambda t: t.dx.map(idx).fillna(-1).astype(int), lesion_id=lambda t: t.image)}
student = keras.saving.load_model('/work/main/runs/distill/model.keras', safe_mode=True)
bottom, top = split_at(student, 'block7_add')
h, w = config.size
for name, rows in sets.items():
    rows = rows.reset_index(drop=True)
    rows[['dx_idx', 'label', 'lesion_id', 'path']].to_csv(out/f'{name}_rows.csv', index=False)
    np.save(out/f'{name}_acts.npy', cache_activations(bottom, rows, (w, h), 0, config.augmentation, 0))
