"""Run every chapter notebook's inline tests, one pytest test per notebook.

Each notebook runs in its own Python process (as `nbdev_test` does), so TensorFlow state
never leaks from one chapter into the next. Cells flagged `#| slow` are skipped unless
`SKIN_NBDEV_TEST_FLAGS=slow` is set.
"""
import os, subprocess, sys
from pathlib import Path
import pytest

NBS = Path(__file__).resolve().parents[1]/'nbs'
NOTEBOOKS = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith('_'))
RUNNER = ("import sys; from pathlib import Path; from nbdev.test import test_nb; "
          "ok, secs = test_nb(Path(sys.argv[1]), skip_flags=sys.argv[2].split(), force_flags=sys.argv[3].split()); "
          "print(f'{Path(sys.argv[1]).name}: {secs:.0f} s'); sys.exit(0 if ok else 1)")

def _flags() -> tuple[str, str]:
    "Flags to skip and to force, from settings.ini's `tst_flags` and `$SKIN_NBDEV_TEST_FLAGS`."
    from configparser import ConfigParser
    cfg = ConfigParser(delimiters=['=']); cfg.read(NBS.parent/'settings.ini')
    all_flags = cfg['DEFAULT'].get('tst_flags', '').split()
    forced = os.environ.get('SKIN_NBDEV_TEST_FLAGS', '').split()
    return ' '.join(f for f in all_flags if f not in forced), ' '.join(forced)

@pytest.mark.parametrize('notebook', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(notebook: Path):
    skip, force = _flags()
    run = subprocess.run([sys.executable, '-c', RUNNER, str(notebook), skip, force],
                         capture_output=True, text=True, cwd=notebook.parent)
    print(run.stdout[-3000:])
    assert run.returncode == 0, f'{notebook.name} failed:\n{run.stderr[-8000:]}'
