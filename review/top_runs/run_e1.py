import json, sys, time
sys.path.insert(0, '/tmp/proto')
from top import *
from sklearn.metrics import roc_auc_score, balanced_accuracy_score
from sklearn.linear_model import LogisticRegression
from skin_nbdev.data import class_weights
seed, epochs = int(sys.argv[1]), int(sys.argv[2])
peak_lr = float(sys.argv[3]) if len(sys.argv) > 3 else 2e-4
recipe = sys.argv[4] if len(sys.argv) > 4 else 'e1'
out = Path('/work/main/runs/top'); tag = f'{recipe}_s{seed}'
train = pd.read_csv(out/'train_rows.csv'); val = pd.read_csv(out/'val_rows.csv')
acts = np.load(out/'train_acts.npy'); vacts = np.load(out/'val_acts.npy')[0].astype('float32')
student = keras.saving.load_model('/work/main/runs/distill/model.keras', safe_mode=True)
bottom, top = split_at(student, 'block7_add')
keras.utils.set_random_seed(seed)
src_w = np.where(train.source == 'isic2017', 3.0, 1.0)
cw = class_weights(np.repeat(train.label.values, src_w.astype(int)))
w_bin = (src_w * train.label.map(cw).values).astype('float32')
has_dx = (train.dx_idx >= 0).values
counts = np.bincount(train.dx_idx[has_dx], weights=src_w[has_dx], minlength=7)
w_dx = np.where(has_dx, src_w * (counts.sum() / (7 * counts))[train.dx_idx.clip(0)], 0.0).astype('float32')
dx_target = keras.utils.to_categorical(train.dx_idx.clip(0), 7)
if recipe == 'e2':   # half the 7-class network's probabilities; rows without a HAM dx code learn from it alone
    teacher = np.load(out/'teacher_dx.npy')
    dx_target = np.where(has_dx[:, None], 0.5 * dx_target + 0.5 * teacher, teacher).astype('float32')
    w_dx = np.where(has_dx, w_dx, src_w).astype('float32')
print('dx weights per class', np.round(counts.sum() / (7 * counts), 2), flush=True)
model = two_head(student, top)
t = time.time()
feats = top.predict(acts[0].astype('float32'), batch_size=64, verbose=0); vfeats = top.predict(vacts, batch_size=64, verbose=0)
probe = LogisticRegression(C=1.0, class_weight='balanced', max_iter=2000).fit(feats[has_dx], train.dx_idx[has_dx], sample_weight=src_w[has_dx])
probe_bacc = balanced_accuracy_score(val.dx_idx, probe.predict(vfeats))
model.get_layer('dx').set_weights([probe.coef_.T.astype('float32'), probe.intercept_.astype('float32')])
def val_figures():
    p = model.predict(vacts, batch_size=64, verbose=0)
    return roc_auc_score(val.label, p['prob'][:, 0]), balanced_accuracy_score(val.dx_idx, p['dx'].argmax(1))
auc0, bacc0 = val_figures()
print(f'before: student val AUC {auc0:.4f}; linear probe on its pooled features, 7-class val balanced accuracy {probe_bacc:.4f} ({bacc0:.4f} through the model) [{time.time()-t:.0f} s]', flush=True)
for layer in top.get_layer('top_backbone').layers:
    layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
steps = -(-len(train) // 32)
lr = keras.optimizers.schedules.CosineDecay(peak_lr / 10, decay_steps=max(1, (epochs - 1) * steps), warmup_target=peak_lr, warmup_steps=steps)
model.compile(keras.optimizers.Adam(lr), loss={'prob': keras.losses.BinaryCrossentropy(), 'dx': keras.losses.CategoricalCrossentropy()})
history, best = [dict(epoch=0, val_auc=auc0, val_bacc=bacc0, minutes=0.0)], dict(auc=auc0, weights=model.get_weights(), epoch=0)
class Watch(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None): self.t = time.time()
    def on_epoch_end(self, epoch, logs=None):
        minutes = (time.time() - self.t) / 60
        auc, bacc = val_figures()
        history.append(dict(epoch=epoch + 1, loss=logs['loss'], prob_loss=logs.get('prob_loss'), dx_loss=logs.get('dx_loss'), val_auc=auc, val_bacc=bacc, minutes=minutes))
        print(f"epoch {epoch+1}: {minutes:.2f} min training, val AUC {auc:.4f}, 7-class val bal. acc {bacc:.4f}, loss {logs['loss']:.4f}", flush=True)
        better = auc > best['auc'] if recipe == 'e1' else auc >= auc0 - 0.009 and bacc > best.get('bacc', -1)
        if better: best.update(auc=auc, bacc=bacc, weights=model.get_weights(), epoch=epoch + 1)
model.fit(CachedViews(acts, train.label.values, dx_target, w_bin, w_dx, seed=seed), epochs=epochs, callbacks=[Watch()], verbose=0)
model.set_weights(best['weights'])
full = keras.Model(student.inputs[0], {'prob': student.output, 'dx': model.get_layer('dx')(model.get_layer('dx_drop')(student.get_layer('pool').output))}, name='two_head')
full.save(out/f'{tag}.keras')
pd.DataFrame(history).to_csv(out/f'{tag}_history.csv', index=False)
json.dump(dict(best_epoch=best['epoch'], best_val_auc=best['auc'], probe_val_bacc=probe_bacc, student_val_auc=auc0), open(out/f'{tag}.json', 'w'))
print('best epoch', best['epoch'], 'val AUC', round(best['auc'], 4), flush=True)
