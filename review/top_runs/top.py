"""Prototype: cached top-block fine-tuning with two heads (binary + 7-class) from a trained classifier."""
from __future__ import annotations
import time, json
from pathlib import Path
import numpy as np, pandas as pd
from skin_nbdev.runtime import keras as _keras, tensorflow as _tf
from skin_nbdev.augment import make_dataset, augmentation_layers
from skin_nbdev.data import class_names

keras = _keras(); tf = _tf()

def split_at(model: keras.Model, cut: str) -> tuple[keras.Model, keras.Model]:
    "The classifier as two models sharing its layers: pictures -> `cut`'s activations, and those -> pooled features."
    backbone = model.get_layer('backbone')
    tensor = backbone.get_layer(cut).output
    bottom_bb = keras.Model(backbone.input, tensor, name='bottom_backbone')
    x = keras.Input(model.input_shape[1:], name='image')
    y = model.get_layer('normalize')(x)
    bottom = keras.Model(x, bottom_bb(y), name='bottom')
    rest = keras.Model(tensor, backbone.output, name='top_backbone')
    a = keras.Input(tensor.shape[1:], name='activations')
    top = keras.Model(a, model.get_layer('pool')(rest(a)), name='top')
    return bottom, top

def cache_activations(bottom, table, size_wh, views, recipe, seed, batch_size=32):
    "(1 + views, n, h, w, c) float16 activations: the plain view, then `views` augmented ones."
    images = make_dataset(table, size=size_wh, batch_size=batch_size, training=False, label_col=None, cache=False)
    augment = augmentation_layers(seed=seed, recipe=recipe)
    f = tf.function(lambda x: bottom(x, training=False))
    out = np.empty((1 + views, len(table), *bottom.output_shape[1:]), np.float16)
    for view in range(1 + views):
        t = time.time(); i = 0
        for x in images:
            if view: x = augment(x, training=True)
            a = f(x).numpy(); out[view, i:i + len(a)] = a; i += len(a)
        print(f'view {view}: {len(table)} rows in {time.time() - t:.0f} s', flush=True)
    return out

class CachedViews(keras.utils.PyDataset):
    "Batches of cached activations, one random view per row per epoch, with both targets and weights."
    def __init__(self, acts, label, dx, w_bin, w_dx, batch_size=32, seed=0, shuffle=True, **kw):
        super().__init__(**kw)
        self.acts, self.label, self.dx, self.w_bin, self.w_dx = acts, label, dx, w_bin, w_dx
        self.batch_size, self.rng, self.shuffle = batch_size, np.random.default_rng(seed), shuffle
        self.on_epoch_end()
    def __len__(self): return -(-self.acts.shape[1] // self.batch_size)
    def on_epoch_end(self):
        n = self.acts.shape[1]
        self.order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        self.view = self.rng.integers(0, self.acts.shape[0], n) if self.shuffle else np.zeros(n, int)
    def __getitem__(self, i):
        idx = np.sort(self.order[i * self.batch_size:(i + 1) * self.batch_size])
        x = self.acts[self.view[idx], idx].astype('float32')
        y = {'prob': self.label[idx, None].astype('float32'), 'dx': self.dx[idx]}
        return x, y, {'prob': self.w_bin[idx], 'dx': self.w_dx[idx]}

def two_head(student: keras.Model, top: keras.Model, dropout=0.2) -> keras.Model:
    "Pooled features -> the student's binary head and a new 7-class head `dx`; fed cached activations."
    a = top.input
    f = top.output
    y = f
    for name in ('head_dense1', 'head_drop1', 'head_dense2', 'head_drop2', 'prob'): y = student.get_layer(name)(y)
    d = keras.layers.Dropout(dropout, name='dx_drop')(f)
    d = keras.layers.Dense(7, activation='softmax', name='dx')(d)
    return keras.Model(a, {'prob': y, 'dx': d}, name='two_head_top')
