"""The predictor as a web page: `skin-nbdev app` driven in headless Chromium (Playwright, Debian's chromium).

One server and one page for the module: the page is opened, six files are uploaded (synthetic lesions,
one named by an ISIC id that the metadata of the served folder knows, a truncated JPEG and a text file),
and the tests read what the page shows. The last test closes the page without a goodbye (as a crashed
browser would) and checks that the idle kernel is culled. `app_server` stops the server, its kernels and
the browser, by their own handles, whatever happens.
"""
import base64, io, os, re, shutil
from pathlib import Path

import pytest
from app_server import chromium, is_kernel, missing_tools, open_app, result_rows, serve_app, skip_or_fail, upload

@pytest.fixture(scope='module', autouse=True)
def browser_tools():
    "The tools of a browser test: skipped where they are missing, a failure under CI (whose workflow installs them)."
    skip_or_fail(missing_tools())

CULL_AFTER = 20            # seconds: short, so that the test sees an abandoned page's kernel go
ISIC_ID = 'ISIC_0000007'   # in the metadata the test writes, with dx mel: its truth is malignant
SYNTHETIC = ['lesion_1_benign.png', 'lesion_2_malignant.png', 'lesion_3_benign.png', f'{ISIC_ID}.png']
BROKEN = {'cut_malignant.jpg': 'truncated or corrupt', 'notes.txt': 'not an image'}

def write_uploads(folder: Path) -> list[Path]:
    "Synthetic lesion pictures (never HAM10000 ones), a truncated JPEG and a text file, as a user would pick them."
    import cv2
    from skin_nbdev.preprocess import synthetic_lesion
    folder.mkdir(parents=True, exist_ok=True)
    for seed, name in enumerate(SYNTHETIC): cv2.imwrite(str(folder/name), synthetic_lesion((200, 150), seed=seed)[..., ::-1])
    jpeg = cv2.imencode('.jpg', synthetic_lesion((200, 150), seed=7)[..., ::-1])[1].tobytes()
    (folder/'cut_malignant.jpg').write_bytes(jpeg[:len(jpeg) // 2])
    (folder/'notes.txt').write_text('dx: nv\n')
    return [folder/n for n in [*SYNTHETIC, *BROKEN]]

def copy_shipped_model(folder: Path) -> Path:
    "The shipped model with its card and side files, copied elsewhere: the page must load the one passed with --model."
    from skin_nbdev.bundle import DEFAULT_MODEL_PATH
    folder.mkdir(parents=True, exist_ok=True)
    for f in DEFAULT_MODEL_PATH.parent.glob(DEFAULT_MODEL_PATH.stem + '.*'): shutil.copy(f, folder/f.name)
    return folder/DEFAULT_MODEL_PATH.name

@pytest.fixture(scope='module')
def served(tmp_path_factory):
    "The app served from a folder whose ./data/ham10000 holds a one-row metadata table, a page on it, and the upload done."
    work = tmp_path_factory.mktemp('app')
    site = work/'site'; (site/'data'/'ham10000').mkdir(parents=True)
    (site/'data'/'ham10000'/'HAM10000_metadata.csv').write_text(f'lesion_id,image_id,dx\nHAM_0000001,{ISIC_ID},mel\n')
    env = {k: v for k, v in os.environ.items() if k != 'SKIN_NBDEV_DATA'}   # found by the default search, as a user's would be
    model, files = copy_shipped_model(work/'model'), write_uploads(work/'uploads')
    with serve_app('--model', str(model), '--cull-after', str(CULL_AFTER), cwd=site, env=env) as server:
        with chromium() as browser:
            page, render_s = open_app(browser, server)
            upload_s = upload(page, files)
            print(f'first render {render_s:.1f} s, upload of {len(files)} files {upload_s:.1f} s')
            yield dict(server=server, page=page, model=model, files=files, rows=result_rows(page))
    assert server.process.poll() is not None, 'the server is still running'
    assert not [pid for pid in server.seen_kernels if is_kernel(pid)], 'a kernel outlived the server'

def test_page_shows_the_app_with_the_model_passed(served):
    page = served['page']
    text = ' '.join(page.locator('body').inner_text().split())
    assert 'not a medical device' in text and 'Not a diagnosis' in text
    assert page.locator('.widget-text input').first.input_value() == str(served['model'])
    assert 'are looked up: 1 known' in text          # the served folder's HAM metadata was found

def test_one_row_per_file_with_verdicts_and_errors(served):
    rows = {r['file']: r for r in served['rows']}
    assert sorted(rows) == sorted(p.name for p in served['files'])
    for name in SYNTHETIC:
        assert rows[name]['error'] == '' and rows[name]['verdict'] in {'benign', 'malignant', 'no verdict'}, rows[name]
    for name, problem in BROKEN.items():
        assert rows[name]['verdict'] == '' and problem in rows[name]['error'], rows[name]
    assert 'truth: benign' in rows['lesion_1_benign.png']['text'] and 'truth: malignant' in rows['lesion_2_malignant.png']['text']
    assert 'truth: malignant' in rows[f'{ISIC_ID}.png']['text']   # from the metadata's dx, not from the name

def test_running_score_counts_the_rows(served):
    score = ' '.join(served['page'].locator('.sn-score').inner_text().split())
    rows = served['rows']
    judged = [r for r in rows if r['verdict'] in ('benign', 'malignant') and 'truth:' in r['text']]
    correct = sum('✓ correct' in r['text'] for r in judged)
    assert f'{len(rows)} file(s), {len(rows) - len(BROKEN)} predicted, {len(judged)} with a known truth, {correct} correct' in score, score
    assert ('accuracy n/a' in score) if not judged else (f'accuracy {correct / len(judged):.0%}' in score), score

def test_csv_link_has_bom_columns_and_rows(served):
    import pandas as pd
    from skin_nbdev.predictor import PREDICTION_COLUMNS
    link = served['page'].locator('.sn-download a')
    assert link.get_attribute('download') == 'predictions.csv'
    csv = base64.b64decode(re.match(r'data:text/csv;base64,(.+)$', link.get_attribute('href')).group(1))
    assert csv[:3] == b'\xef\xbb\xbf'
    table = pd.read_csv(io.BytesIO(csv), encoding='utf-8-sig', keep_default_na=False)
    assert list(table.columns) == list(PREDICTION_COLUMNS)
    assert table.file.tolist() == [p.name for p in served['files']]
    page_verdicts = {r['file']: r['verdict'] for r in served['rows']}
    assert table.verdict.tolist() == [page_verdicts[f] for f in table.file]
    assert (table.error != '').sum() == len(BROKEN)

def test_about_tab_draws_the_card(served):
    from skin_nbdev.bundle import checked_card
    page, card = served['page'], checked_card(served['model'])
    page.get_by_text('About the model', exact=True).click()
    page.locator('.sn-about').wait_for(state='visible', timeout=30_000)
    text = ' '.join(page.locator('.sn-about').inner_text().split())
    assert f"{card['test_metrics']['auc']:.3f}" in text and f"{next(iter(card['external_metrics'].values()))['auc']:.3f}" in text
    figures = 1 + len(card['external_metrics']) + 1   # the ROC curves, a confusion matrix per set: drawn when the tab opens
    page.wait_for_function(f"() => [...document.querySelectorAll('img')].filter(i => i.offsetParent).length === {figures}", timeout=60_000)
    page.get_by_text('Predict', exact=True).click()
    page.locator('.widget-upload').wait_for(state='visible', timeout=30_000)

def test_example_pictures_button_adds_eight_known_rows(served):
    page = served['page']
    before = page.locator('.sn-result').count()
    page.get_by_role('button', name='Try the example pictures').click()
    page.wait_for_function(f"() => document.querySelectorAll('.sn-result').length >= {before + 8}", timeout=120_000)
    newest = result_rows(page)[:8]
    assert all(r['error'] == '' and r['verdict'] in ('benign', 'malignant', 'no verdict') for r in newest), newest
    assert sum('truth: malignant' in r['text'] for r in newest) == 4 and sum('truth: benign' in r['text'] for r in newest) == 4

def test_abandoned_page_kernel_is_culled(served):
    server = served['server']
    before = server.kernels()
    served['page'].close()                        # Playwright skips beforeunload: Voila is not told, as after a crash
    after = server.wait_kernels(0, timeout=CULL_AFTER * 4 + 30)
    print(f'kernels with the page open: {before}; after closing it: {after}')
    assert len(before) == 1 and after == []
    assert server.process.poll() is None          # the server itself stays up
