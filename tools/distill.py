"""Distil an ensemble of trained binary runs into one student, and measure it against a plain run of the same recipe.

    python tools/distill.py --out runs/distill [--like runs/basic_isic3] [--members RUN ...] [--weight 0.5] [--ema 0.998] [--n-boot 1000]

1. `teacher_targets`: each member's own output on the HAM10000 training rows and the ISIC 2017 `train`
   rows (never a validation or test image), averaged, into `<out>/teacher.csv`.
2. `train`: the student, with the config of `--like` (the shipped recipe) plus `teacher=` that CSV (and `ema=`, with `--ema`).
   Its stage-1 feature caches are copied from `--like` where it has them: same config, rows and seed give the
   same features, so only the targets differ.
3. `evaluate_model` on the student (4-flip TTA, as the shipped card): threshold chosen on validation,
   sensitivity and specificity on HAM10000 test. Then student, plain run, members and teacher (the
   members' mean), each model's own output without TTA as the Ensembles chapter compares them, on
   HAM10000 test and on the 150 ISIC 2017 `val` images none of them trained on: AUC with 95% bootstrap
   intervals, and the paired bootstrap of student minus plain run.
Writes `<out>/distill.json` and prints a table and the minutes taken. Asserts nothing.
"""
from __future__ import annotations
import argparse, dataclasses, json, shutil, time
from pathlib import Path

import pandas as pd

MEMBERS = ('runs/basic_isic3', 'runs/domain_half_isic3', 'runs/domain_isic', 'runs/shipped_v1')

def main():
    from skin_nbdev.data import find_isic2017, make_split
    from skin_nbdev.ensemble import compare_aucs, ensemble_predict, teacher_targets
    from skin_nbdev.evaluate import evaluate_model, read_label_csv
    from skin_nbdev.files import write_json
    from skin_nbdev.metadata import model_outputs
    from skin_nbdev.train import TrainConfig, extra_training_rows, train
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', required=True)
    parser.add_argument('--like', default='runs/basic_isic3', help='the plain run whose recipe the student repeats')
    parser.add_argument('--members', nargs='+', default=list(MEMBERS))
    parser.add_argument('--weight', type=float, default=0.5, help="the teacher's share of each target")
    parser.add_argument('--ema', type=float, default=None, help="momentum of the student's weight average in stage 2 (TrainConfig.ema); default: none")
    parser.add_argument('--n-boot', type=int, default=1000)
    args = parser.parse_args()
    start, out, like = time.time(), Path(args.out), Path(args.like)
    members = [Path(m)/'model.keras' for m in args.members]
    split = make_split()
    config = TrainConfig.load(like/'config.json')
    isic_train = extra_training_rows(config.extra, held_out_ids=set(split.image_id[split.split != 'train']))
    rows = pd.concat([split[split.split == 'train'][['image_id', 'path']], isic_train[['image_id', 'path']]], ignore_index=True).assign(split='train')
    out.mkdir(parents=True, exist_ok=True)
    if not (out/'teacher.csv').exists(): teacher_targets(members, rows, out/'teacher.csv', cache_dir='runs/beyond')
    t_teacher = time.time() - start
    print(f"teacher: {len(rows):,} training images, {t_teacher / 60:.1f} min")
    for name in ('features_train.npy', 'features_val.npy'):   # absent in --like (a fresh machine): training computes them
        if (like/name).exists() and not (out/name).exists(): shutil.copy2(like/name, out/name)
    if not (out/'model.keras').exists():   # a finished student is measured again, not retrained
        train(out, dataclasses.replace(config, teacher=str(out/'teacher.csv'), distill_weight=args.weight, ema=args.ema), verbose=2)
    t_train = time.time() - start - t_teacher
    print(f"student trained: {t_train / 60:.1f} min")
    student = out/'model.keras'
    done = out/'evaluation'/'metrics.json'   # an evaluated student is not evaluated again
    ham = json.loads(done.read_text()) if done.exists() else evaluate_model(student, out/'evaluation', n_boot=args.n_boot, tta=True)
    test = split[split.split == 'test']
    isic = read_label_csv(find_isic2017()).query("split == 'val'").reset_index(drop=True)
    isic = isic.assign(image_id=[Path(p).stem for p in isic.image])
    probs = {}   # each model's own output, no TTA, as the Ensembles chapter compares them
    for name, path in [('plain run', like/'model.keras'), *((f'member {m.parent.name}', m) for m in members), ('student', student)]:
        probs[name] = dict(ham_test=model_outputs(path, test, 'runs/beyond')[1], isic_val=model_outputs(path, isic, 'runs/beyond')[1])
    member_names = [n for n in probs if n.startswith('member ')]
    probs['teacher (mean of members)'] = {s: ensemble_predict([probs[n][s] for n in member_names])[0] for s in ('ham_test', 'isic_val')}
    table = compare_aucs(probs, dict(ham_test=test, isic_val=isic), args.n_boot)   # 'plain run' first: the reference
    paired = {s: dict(diff=table['student'][f'{s}_diff'], ci=table['student'][f'{s}_diff_ci'], n_boot=args.n_boot) for s in ('ham_test', 'isic_val')}
    result = dict(student=str(student), like=str(like), members=[str(m) for m in members], distill_weight=args.weight, ema=args.ema,
                  student_card=dict(threshold=ham['threshold'], sensitivity=ham['sensitivity'], sensitivity_ci=ham['sensitivity_ci'],
                                    specificity=ham['specificity'], specificity_ci=ham['specificity_ci'], val_auc=ham['validation']['auc']),
                  aucs=table, paired_student_minus_plain=paired, minutes=dict(teacher=t_teacher / 60, train=t_train / 60,
                                                                               total=(time.time() - start) / 60))
    write_json(out/'distill.json', result)
    print(pd.DataFrame(table).T.round(4).to_string())
    print('paired student - plain:', json.dumps(paired, default=float))
    print(f"student at the validation-chosen threshold {ham['threshold']:.3f}: sensitivity {ham['sensitivity']:.3f}, "
          f"specificity {ham['specificity']:.3f}; {(time.time() - start) / 60:.1f} min in all")

if __name__ == '__main__': main()
