import pandas as pd, numpy as np, json
from sklearn.metrics import balanced_accuracy_score
from skin_nbdev.inference import load_model, table_outputs
from skin_nbdev.bundle import pretrained_path
from skin_nbdev.metrics import bootstrap_values, percentile_intervals
m = load_model(pretrained_path('multiclass'))
res = dict(sha=m.sha)
for n in ('val', 'test', 'isic745'):
    t = pd.read_csv(f'/work/main/runs/top/{n}_rows.csv'); o = table_outputs(m, t, tta=False, progress=False).outputs
    named = (t.dx_idx >= 0).values
    res[n] = balanced_accuracy_score(t.dx_idx[named], o[named].argmax(1))
    if n == 'test': res['test_ci'] = percentile_intervals(bootstrap_values(t.dx_idx.values, o.argmax(1), t.lesion_id, balanced_accuracy_score, 1000, 0), 0.05)[0]
print(json.dumps(res))
