"""Distil an ensemble of trained binary runs into one student, and measure it against a plain run of the same recipe.

    python tools/distill.py --out runs/distill [--like runs/basic_isic3] [--members RUN ...] [--weight 0.5] [--ema 0.998] [--n-boot 1000]

1. `teacher_targets`: each member's own output on the HAM10000 training rows and the `train` rows of the extra
   CSVs of `--like`'s config (ISIC 2017 `train`; never a validation or test image, nor an extra row the config holds
   out for validation), averaged, into `<out>/teacher.csv`.
2. `train`: the student, with the config of `--like` (the shipped recipe) plus `teacher=` that CSV (and `ema=`, with `--ema`).
   Its stage-1 feature caches are copied from `--like` where it has them: same config, rows and seed give the
   same features, so only the targets differ.
3. `evaluate_model` on the student (4-flip TTA, as the shipped card): threshold chosen on validation,
   sensitivity and specificity on HAM10000 test. Then student, plain run, members and teacher (the
   members' mean), each model's own output without TTA (`table_outputs`, cached in `runs/beyond` with the
   chapters) as the Ensembles chapter compares them, on HAM10000 test (`ham_test`) and on the 745 ISIC 2017
   `val` + `test` images none of them trained on (`isic`, `isic2017_external`): AUC with 95% bootstrap
   intervals, and the paired bootstrap of student minus plain run.
Every model is named by its short sha256 in the table and the printed lines.
Writes `<out>/distill.json` and prints a table and the minutes taken. Asserts nothing.
"""
from __future__ import annotations
import argparse, dataclasses, json, shutil, time
from pathlib import Path

import numpy as np
import pandas as pd
from skin_nbdev.bundle import model_label

MEMBERS = ('runs/basic_isic3', 'runs/domain_half_isic3', 'runs/domain_isic', 'runs/shipped_v1')
CACHE = 'runs/beyond'   # the `table_outputs` cache the Metadata, Ensembles and 7-class chapters share

def own_output(model_path:Path, rows:pd.DataFrame)->np.ndarray:
    "A binary model's own output (P(malignant) before its card's temperature, one view) for `rows`, cached: what `compare_aucs` ranks."
    from skin_nbdev.decision import malignant_probability
    from skin_nbdev.inference import table_outputs
    outputs = table_outputs(model_path, rows, tta=False, cache_dir=CACHE).outputs
    return outputs[:, 0] if outputs.shape[1] == 1 else malignant_probability(outputs)

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', required=True)
    parser.add_argument('--like', default='runs/basic_isic3', help='the plain run whose recipe the student repeats')
    parser.add_argument('--members', nargs='+', default=list(MEMBERS))
    parser.add_argument('--weight', type=float, default=0.5, help="the teacher's share of each target")
    parser.add_argument('--ema', type=float, default=None, help="momentum of the student's weight average in stage 2 (TrainConfig.ema); default: none")
    parser.add_argument('--n-boot', type=int, default=1000)
    args = parser.parse_args()
    from skin_nbdev.bundle import checked_card, short_sha
    from skin_nbdev.data import extra_training_rows, isic2017_external, make_split
    from skin_nbdev.ensemble import ensemble_predict, teacher_targets
    from skin_nbdev.evaluate import evaluate_model
    from skin_nbdev.files import write_json
    from skin_nbdev.metrics import compare_aucs
    from skin_nbdev.train import TrainConfig, train
    start, out, like = time.time(), Path(args.out), Path(args.like)
    members = [Path(m)/'model.keras' for m in args.members]
    config = TrainConfig.load(like/'config.json')
    isic = isic2017_external()   # before the long teacher and training: a machine without ISIC 2017 says so at once
    isic = isic.assign(image_id=[Path(p).stem for p in isic.path])   # the cache names a table by its image ids
    split = make_split(seed=config.split_seed)   # the split `train` makes for the student
    extra = extra_training_rows(config.extra, config.task, set(split.image_id[split.split != 'train']), config.extra_val, config.split_seed)
    extra_train = extra[extra.split == 'train']   # as `train` uses them: the rows held out for validation are never trained on
    rows = pd.concat([split[split.split == 'train'][['image_id', 'path']], extra_train[['image_id', 'path']]], ignore_index=True).assign(split='train')
    out.mkdir(parents=True, exist_ok=True)
    if not (out/'teacher.csv').exists(): teacher_targets(members, rows, out/'teacher.csv', cache_dir=CACHE)
    t_teacher = time.time() - start
    print(f"teacher: {len(rows):,} training images, {t_teacher / 60:.1f} min; members: " + '; '.join(model_label(m) for m in members))
    for name in ('features_train.npy', 'features_val.npy'):   # absent in --like (a fresh machine): training computes them
        if (like/name).exists() and not (out/name).exists(): shutil.copy2(like/name, out/name)
    if not (out/'model.keras').exists():   # a finished student is measured again, not retrained
        train(out, dataclasses.replace(config, teacher=str(out/'teacher.csv'), distill_weight=args.weight, ema=args.ema), verbose=2)
    t_train = time.time() - start - t_teacher
    print(f"student trained: {t_train / 60:.1f} min")
    student = out/'model.keras'
    student_card = checked_card(student)
    done = out/'evaluation'/'metrics.json'   # an evaluated student is not evaluated again (unless the file was replaced since)
    ham = json.loads(done.read_text()) if done.exists() else None
    if ham is None or ham.get('model_sha256') != student_card['sha256']:
        ham = evaluate_model(student, out/'evaluation', n_boot=args.n_boot, tta=True)
    test = split[split.split == 'test'].reset_index(drop=True)
    sets = dict(ham_test=test, isic=isic)
    titles = dict(ham_test='HAM10000 test', isic=f'ISIC 2017 val + test ({len(isic)}, never trained on)')
    shas = {label: short_sha(checked_card(path)) for label, path in   # each model by its short sha256, in the table too
            [('plain run', like/'model.keras'), *((f'member {m.parent.name}', m) for m in members), ('student', student)]}
    paths = dict(zip(shas, [like/'model.keras', *members, student]))
    plain, student_name = f"plain run ({shas['plain run']})", f"student ({shas['student']})"
    probs = {}   # each model's own output, no TTA, as the Ensembles chapter compares them; the plain run first: the reference
    for label, sha in shas.items():
        probs[f'{label} ({sha})'] = {s: own_output(paths[label], set_rows) for s, set_rows in sets.items()}
    member_names = [n for n in probs if n.startswith('member ')]
    probs['teacher (mean of members)'] = {s: ensemble_predict([probs[n][s] for n in member_names])[0] for s in sets}
    table = compare_aucs(probs, sets, args.n_boot)
    paired = {s: dict(diff=table[student_name][f'{s}_diff'], ci=table[student_name][f'{s}_diff_ci'], n_boot=args.n_boot) for s in sets}
    result = dict(student=str(student), student_sha256=student_card['sha256'], like=str(like), members=[str(m) for m in members],
                  models={label: dict(file=str(paths[label]), model_sha256=sha) for label, sha in shas.items()},
                  distill_weight=args.weight, ema=args.ema, sets=titles,
                  student_card=dict(threshold=ham['threshold'], sensitivity=ham['sensitivity'], sensitivity_ci=ham['sensitivity_ci'],
                                    specificity=ham['specificity'], specificity_ci=ham['specificity_ci'], val_auc=ham['validation']['auc']),
                  aucs=table, paired_student_minus_plain=paired, minutes=dict(teacher=t_teacher / 60, train=t_train / 60,
                                                                               total=(time.time() - start) / 60))
    write_json(out/'distill.json', result)
    print(f"AUC, each model's own output (no TTA); sets: {titles}")
    print(pd.DataFrame(table).T.round(4).to_string())
    print(f'paired {student_name} - {plain}:', json.dumps(paired, default=float))
    print(f"student, {model_label(student)}, at the validation-chosen threshold {ham['threshold']:.3f} (4-flip TTA, HAM10000 test): "
          f"sensitivity {ham['sensitivity']:.3f}, specificity {ham['specificity']:.3f}; {(time.time() - start) / 60:.1f} min in all")

if __name__ == '__main__': main()
