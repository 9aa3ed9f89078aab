"""Run-table figures of a single-output binary model file, from the pictures (no cached activations)."""
import json, sys
import numpy as np, pandas as pd
from sklearn.metrics import roc_auc_score
from skin_nbdev.inference import load_model, table_outputs
from skin_nbdev.metrics import metrics_with_ci
from skin_nbdev.decision import threshold_for_sensitivity
from skin_nbdev.data import load_split, isic2017_external
label, path = sys.argv[1].split('=')
m = load_model(path)
split = load_split(f'{path.rsplit("/", 1)[0]}/split.csv')
sets = {'val': split[split.split == 'val'], 'test': split[split.split == 'test'], 'isic745': isic2017_external()}
p = {n: table_outputs(m, t.reset_index(drop=True), tta=False, progress=False).outputs[:, 0] for n, t in sets.items()}
thr = threshold_for_sensitivity(sets['val'].label, p['val'], 0.9)
r = dict(model=label, sha=m.sha, val_auc=roc_auc_score(sets['val'].label, p['val']), threshold=thr)
for n, groups in (('test', 'lesion_id'), ('isic745', None)):
    t = sets[n].reset_index(drop=True)
    mm = metrics_with_ci(t.label, p[n], None if groups is None else t[groups], thr, 1000, names=('auc', 'sensitivity', 'specificity'))
    r.update({f'{n}_{k}': mm[k] for k in ('auc', 'auc_ci', 'sensitivity', 'sensitivity_ci', 'specificity', 'specificity_ci')})
print(json.dumps(r))
with open('/work/main/runs/top/table.jsonl', 'a') as fh: fh.write(json.dumps(r) + '\n')
