"The Kaggle path, rehearsed quickly: Kaggle's folder layout and picture size, the first cell's install, two chapters, a first run."
import subprocess, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

def test_quick_kaggle_rehearsal_passes():
    done = subprocess.run([sys.executable, str(REPO/'tools'/'kaggle_rehearsal.py'), '--quick'], capture_output=True, text=True,
                          timeout=1200)
    print(done.stdout[-4000:])
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-3000:]
    assert 'skin_nbdev installed by the first cell into the environment' in done.stdout   # not the development install
    assert "the image's own TensorFlow" in done.stdout and 'kept' in done.stdout            # the install did not replace them
    assert '70 pictures of 600x450' in done.stdout   # Kaggle's picture size, in its two folders
    for chapter in ('02_data', '03_preprocess'): assert f'== chapter {chapter}' in done.stdout
    assert done.stdout.count('images predicted') == 3   # the main job, the main job with training, predict
