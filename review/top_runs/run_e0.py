import time, sys
from pathlib import Path
from skin_nbdev.train import TrainConfig, train
from skin_nbdev.train_more import fine_tune_top
runs = Path('/work/main/runs')
t = time.time()
h = train(runs/'e0_stage1', TrainConfig(stage2_epochs=0), verbose=2)
print(h.tail(3).to_string(), f'\nstage 1: {(time.time() - t) / 60:.1f} min', flush=True)
t = time.time()
h = fine_tune_top(runs/'e0_stage1', runs/'e0_top', cut='block7_add', views=3, epochs=6, lr=5e-4, verbose=2)
print(h.to_string(), f'\ncached top, caching included: {(time.time() - t) / 60:.1f} min', flush=True)
