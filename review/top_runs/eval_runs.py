"""Every figure of the run table for the models named on the command line (the student: 'student')."""
import json, sys
sys.path.insert(0, '/tmp/proto')
from top import *
from sklearn.metrics import roc_auc_score, balanced_accuracy_score
from skin_nbdev.metrics import metrics_with_ci, bootstrap_values, percentile_intervals
from skin_nbdev.decision import threshold_for_sensitivity
from skin_nbdev.bundle import sha256_file
out = Path('/work/main/runs/top')
sets = {n: (pd.read_csv(out/f'{n}_rows.csv'), np.load(out/f'{n}_acts.npy')[0].astype('float32')) for n in ('val', 'extra_val', 'test', 'isic745')}
def heads(path):
    full = keras.saving.load_model(path, safe_mode=True)
    _, top = split_at(full, 'block7_add')
    f = top.output; y = f
    for name in ('head_dense1', 'head_drop1', 'head_dense2', 'head_drop2', 'prob'): y = full.get_layer(name)(y)
    outs = {'prob': y}
    if 'dx' in [l.name for l in full.layers]: outs['dx'] = full.get_layer('dx')(full.get_layer('dx_drop')(f))
    return keras.Model(top.input, outs)
def bacc_ci(y, p, groups):
    v = bootstrap_values(y, p.argmax(1) if p.ndim > 1 else p, groups, balanced_accuracy_score, 1000, 0)
    return percentile_intervals(v, 0.05)[0]
rows = []
for label, path in (a.split('=') for a in sys.argv[1:]):
    m = heads(path); sha = sha256_file(path)[:12]
    pred = {n: m.predict(a, batch_size=64, verbose=0) for n, (t, a) in sets.items()}
    thr = min(threshold_for_sensitivity(sets[n][0].label, pred[n]['prob'][:, 0], 0.9) for n in ('val', 'extra_val'))
    r = dict(model=label, sha=sha, val_auc=roc_auc_score(sets['val'][0].label, pred['val']['prob'][:, 0]), threshold=thr)
    for n, groups in (('test', 'lesion_id'), ('isic745', None)):
        t = sets[n][0]
        mm = metrics_with_ci(t.label, pred[n]['prob'][:, 0], None if groups is None else t[groups], thr, 1000, names=('auc', 'sensitivity', 'specificity'))
        r.update({f'{n}_{k}': mm[k] for k in ('auc', 'auc_ci', 'sensitivity', 'sensitivity_ci', 'specificity', 'specificity_ci')})
    if 'dx' in pred['val']:
        r['val_bacc'] = balanced_accuracy_score(sets['val'][0].dx_idx, pred['val']['dx'].argmax(1))
        t = sets['test'][0]; r['test_bacc'] = balanced_accuracy_score(t.dx_idx, pred['test']['dx'].argmax(1))
        r['test_bacc_ci'] = bacc_ci(t.dx_idx.values, pred['test']['dx'], t.lesion_id)
        t = sets['isic745'][0]; named = (t.dx_idx >= 0).values
        r['isic745_bacc_named'] = balanced_accuracy_score(t.dx_idx[named], pred['isic745']['dx'][named].argmax(1))
    print(json.dumps(r), flush=True); rows.append(r)
    with open(out/'table.jsonl', 'a') as fh: fh.write(json.dumps(r) + '\n')
