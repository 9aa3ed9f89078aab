import pandas as pd, numpy as np, json
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from skin_nbdev.inference import load_model, table_outputs
from skin_nbdev.bundle import pretrained_path
val = pd.read_csv('/work/main/runs/top/val_rows.csv')
res = {}
for task in ('multiclass', 'binary'):
    m = load_model(pretrained_path(task)); o = table_outputs(m, val, tta=False, progress=False).outputs
    res[task] = dict(sha=m.sha, bacc=balanced_accuracy_score(val.dx_idx, o.argmax(1))) if task == 'multiclass' else dict(sha=m.sha, auc=roc_auc_score(val.label, o[:, 0]))
print(res); json.dump(res, open('/work/main/runs/top/shipped_val.json', 'w'))
