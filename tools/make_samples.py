"""Pick the example pictures that ship with the package: CC0 dermoscopy from ISIC 2017's `test` part.

    python tools/make_samples.py [--isic ../shared/data/isic2017/labels.csv] [--n 32] [--seed 0]

Half melanoma, half benign (naevi and seborrheic keratoses, as the part has them), drawn with a fixed
seed from the images whose diagnosis the ISIC 2019 ground truth names. They are copied unchanged into
`skin_nbdev/assets/samples/` with `samples.csv` (image, label, dx, source) and `README.md` (licence and
attribution). Never HAM10000 (CC BY-NC). These images are part of the 745 external images no model
trains on, so nothing changes in the honest protocol by shipping them.
"""
import argparse, shutil
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
OUT = REPO/'skin_nbdev'/'assets'/'samples'
ATTRIBUTION = """# Example pictures (CC0)

{n} dermoscopic images of the ISIC 2017 challenge's test part ({mel} melanomas, {benign} benign: naevi and
seborrheic keratoses), published under CC0 by the ISIC Archive (https://www.isic-archive.com). Codella et al.,
"Skin lesion analysis toward melanoma detection: a challenge at the 2017 International Symposium on Biomedical
Imaging (ISBI)", ISBI 2018. Resized to 256x256 by the project's copy of the set. `samples.csv` gives each
picture's label (1 = melanoma) and diagnosis.

They let a newcomer try the predictor and the main job without downloading anything. {n} pictures are far too
few to measure a model: the figures on them carry wide intervals. HAM10000 (see the README) and the 745 ISIC 2017
`val` and `test` images are where the model is measured. Research and teaching software, not a medical device.
"""

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--isic', default=str(REPO.parent/'shared'/'data'/'isic2017'/'labels.csv'))
    parser.add_argument('--n', type=int, default=32)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    csv = Path(args.isic)
    table = pd.read_csv(csv)
    named = table[(table.split == 'test') & table.dx.isin(['mel', 'nv', 'bkl'])]
    mel = named[named.dx == 'mel'].sample(args.n // 2, random_state=args.seed)
    benign = named[named.dx != 'mel'].sample(args.n - args.n // 2, random_state=args.seed)
    picked = pd.concat([mel, benign]).sort_values('image')
    if OUT.exists(): shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for image in picked.image: shutil.copyfile(csv.parent/image, OUT/Path(image).name)
    rows = picked.assign(image=[Path(i).name for i in picked.image], source='ISIC 2017 test (CC0)')[['image', 'label', 'dx', 'source']]
    rows.to_csv(OUT/'samples.csv', index=False)
    (OUT/'README.md').write_text(ATTRIBUTION.format(n=len(rows), mel=int(rows.label.sum()), benign=int((rows.label == 0).sum())))
    size = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(rows)} pictures ({int(rows.label.sum())} melanoma) in {OUT.relative_to(REPO)}: {size / 1e6:.2f} MB")

if __name__ == '__main__': main()
