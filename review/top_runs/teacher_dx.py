import pandas as pd, numpy as np
from skin_nbdev.inference import load_model, table_outputs
from skin_nbdev.bundle import pretrained_path
train = pd.read_csv('/work/main/runs/top/train_rows.csv')
m = load_model(pretrained_path('multiclass'))
o = table_outputs(m, train, tta=False, progress=False).outputs
np.save('/work/main/runs/top/teacher_dx.npy', o.astype('float32')); print(m.sha, o.shape, o.sum(1)[:3])
