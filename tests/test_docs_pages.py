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

def anchor_problems(pages: Path) -> list[str]:
    "Every link of every page to a page of the book, and to a heading on it, that leads nowhere."
    texts = {p.name: p.read_text(encoding='utf-8') for p in pages.glob('*.html')}
    ids = {name: set(re.findall(r'\bid="([^"]+)"', text)) for name, text in texts.items()}
    problems = []
    for name, text in texts.items():
        for href in re.findall(r'<a [^>]*href="([^"]+)"', text):
            if href.startswith(('http:', 'https:', 'mailto:', 'data:')): continue
            target, _, anchor = href.partition('#')
            target = target or name
            if not target.endswith('.html'): continue                       # a picture or a file of the repository
            if target not in ids: problems.append(f'{name}: {href} (no such page)')
            elif anchor and anchor not in ids[target]: problems.append(f'{name}: {href} (no such heading)')
    return problems

def test_anchor_rule_finds_broken_links(tmp_path):
    (tmp_path/'a.html').write_text('<h2 id="kept">x</h2><a href="#kept">ok</a> <a href="#lost">no</a> <a href="b.html#x">no page</a>')
    assert anchor_problems(tmp_path) == ['a.html: #lost (no such heading)', 'a.html: b.html#x (no such page)']

def test_every_link_and_anchor_resolves(pages):
    problems = anchor_problems(pages)
    assert not problems, '\n'.join(problems)

def test_test_cells_are_folded(pages):
    "A cell marked `#| code-fold: true` (the chapters' test cells) shows a 'Tests' summary; its code appears when opened."
    skip_or_fail(None if Path(CHROMIUM).exists() else f'{CHROMIUM} not found (apt-get install -y chromium)')
    with chromium() as browser:
        page = browser.new_page()
        page.goto((pages/'07_train.html').as_uri(), wait_until='load')
        folds = page.locator('details.code-fold')
        assert folds.count() >= 5, folds.count()
        first_code = folds.first.locator('.jp-Cell-inputWrapper')
        assert folds.first.locator('summary').inner_text() == 'Tests'
        assert not first_code.is_visible()
        folds.first.locator('summary').click()
        assert first_code.is_visible() and 'test_' in first_code.inner_text()
        page.close()
