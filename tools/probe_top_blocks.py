"""Time one training step of the whole default network on images against one step of its top, fed the cached
activations of a frozen cut layer (issue "Quality on a CPU budget", deliverable 1). Prints seconds per batch.

    python tools/probe_top_blocks.py block4_add block7_add

Random pictures and activations: this measures cost only, not what freezing the early blocks does to accuracy.
"""
import sys, time

import numpy as np

from skin_nbdev.runtime import keras as _keras
from skin_nbdev.models import build_classifier, set_trainable
from skin_nbdev.train_more import head_of, split_at

keras = _keras()
def top_model(full: keras.Model, cut: str) -> keras.Model:
    "The layers of `full` after backbone layer `cut` (pooling and head included), fed that layer's output (`split_at`)."
    _, top = split_at(full, cut)
    y = top.output
    for layer in head_of(full): y = layer(y)
    return keras.Model(top.input, y)

def seconds_per_step(model: keras.Model, inputs: np.ndarray, labels: np.ndarray, steps: int = 8) -> float:
    "Mean wall time of a training step, after one step to build and trace."
    model.compile(keras.optimizers.Adam(1e-4), 'binary_crossentropy')
    model.train_on_batch(inputs, labels)
    start = time.perf_counter()
    for _ in range(steps): model.train_on_batch(inputs, labels)
    return (time.perf_counter() - start) / steps

def main(cuts: list[str], batch: int = 32) -> None:
    rng = np.random.default_rng(0)
    labels = (rng.random((batch, 1)) > 0.8).astype('float32')
    full = build_classifier(input_size=(150, 200))
    set_trainable(full, 10_000)                      # every non-BatchNorm backbone layer, as stage 2 does today
    images = rng.integers(0, 256, (batch, 150, 200, 3)).astype('float32')
    print(f'whole network on images: {seconds_per_step(full, images, labels):.3f} s per batch of {batch}')
    for cut in cuts:
        top = top_model(full, cut)
        cached = rng.normal(size=(batch, *top.input_shape[1:])).astype('float32')
        print(f'top from {cut} {top.input_shape[1:]}: {seconds_per_step(top, cached, labels):.3f} s per batch of {batch}')
    print('Research and teaching software, not a medical device.')

if __name__ == '__main__': main(sys.argv[1:] or ['block4_add', 'block7_add'])
