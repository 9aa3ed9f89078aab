"""The offline docs: `tools/build_docs.py --html` pages, opened in headless Chromium as a student would.

The pages are built from the committed notebooks (no data, no re-execution) into a temporary folder.
"""
import re, subprocess, sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_server import CHROMIUM, chromium, skip_or_fail  # noqa: E402

RAW = re.compile(r'#\||\{target=|In\s*\[\s*\d*\s*\]:')   # nbdev/Quarto directives, Pandoc attributes, notebook prompts

def sidebar_order() -> list[str]:
    def walk(items):
        for item in items:
            if isinstance(item, str): yield Path(item).stem
            elif isinstance(item, dict): yield from walk(item.get('contents', []))
    return list(walk(yaml.safe_load((ROOT/'nbs'/'sidebar.yml').read_text())['website']['sidebar']['contents']))

@pytest.fixture(scope='module')
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp('docs')
    run = subprocess.run([sys.executable, 'tools/build_docs.py', '--html', '--no-readme', '--out', str(out)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-4000:]
    return out

def test_every_chapter_has_a_page(pages):
    missing = [s for s in sidebar_order() if not (pages/f'{s}.html').is_file()]
    assert not missing, missing

def test_pages_read_clean_in_chromium(pages):
    skip_or_fail(None if Path(CHROMIUM).exists() else f'{CHROMIUM} not found (apt-get install -y chromium)')
    order, problems = sidebar_order(), []
    with chromium() as browser:
        page = browser.new_page()
        for html in sorted(pages.glob('*.html')):
            page.goto(html.as_uri(), wait_until='load')
            text = page.inner_text('body')
            if (m := RAW.search(text)): problems.append(f'{html.name}: shows {m.group(0)!r} ...{text[max(0, m.start() - 60):m.end() + 40]!r}')
            links = [re.sub(r'\.html$', '', h) for h in page.eval_on_selector_all('nav.sidebar a', 'as => as.map(a => a.getAttribute("href"))')]
            if links[:len(order)] != order: problems.append(f'{html.name}: sidebar {links[:5]}... is not the sidebar.yml order')
            # pictures of the pages themselves (plots, images/); badges from the web are not the page's own
            broken = page.eval_on_selector_all('img', 'is => is.filter(i => !i.src.startsWith("http") && !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))')
            if broken: problems.append(f'{html.name}: {len(broken)} image(s) do not load, e.g. {broken[0]}')
            if 'not a medical device' not in text: problems.append(f'{html.name}: no disclaimer')
        page.close()
    assert not problems, '\n'.join(problems)
