"""Start `skin-nbdev app` and drive it in headless Chromium: shared by tests/test_app.py and tools/app_*.py.

Everything started here is stopped here, by its own handle: the server (its process group), the
kernels it started (their pids, recorded while the server runs: Jupyter starts kernels in sessions
of their own, so killing the server's group does not reach them) and the browser.
"""
from __future__ import annotations
import contextlib, os, shutil, signal, socket, subprocess, sys, tempfile, time
from pathlib import Path
from typing import Iterator

CHROMIUM = os.environ.get('SKIN_NBDEV_CHROMIUM', '/usr/bin/chromium')   # Debian's; CI may point at Playwright's own
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync']
RENDER_TIMEOUT_S = 240   # a cold kernel imports TensorFlow and loads the model: about 25 s on 2 cores, more on a busy machine

def skip_or_fail(why: str | None) -> None:
    "Skip a browser test whose tools are missing, but fail under CI (`CI` set), where the workflow installs them."
    import pytest
    if why is None: return
    if os.environ.get('CI'): pytest.fail(f'CI is set but the browser test cannot run: {why}')
    pytest.skip(why)

def missing_tools() -> str | None:
    "Why the browser test cannot run here (None when it can): Chromium, Voila, Playwright or the command missing."
    import importlib.util
    if not Path(CHROMIUM).exists(): return f'{CHROMIUM} not found (apt-get install -y chromium)'
    for module, extra in (('voila', 'app'), ('playwright', 'dev')):
        if importlib.util.find_spec(module) is None: return f'{module} is not installed (pip install -e ".[{extra}]")'
    if app_command() is None: return 'the skin-nbdev command is not installed (pip install -e ".[dev]")'
    return None

def app_command() -> list[str] | None:
    "The `skin-nbdev` console script (next to this Python first), or None."
    script = Path(sys.executable).with_name('skin-nbdev')
    found = str(script) if script.exists() else shutil.which('skin-nbdev')
    return [found] if found else None

def free_port() -> int:
    "A TCP port on localhost that nothing listens on right now."
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def children(pid: int) -> list[int]:
    "Pids of the direct children of `pid` (Linux /proc)."
    found = []
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try: fields = stat.read_text().rsplit(')', 1)[1].split()
        except OSError: continue
        if int(fields[1]) == pid: found.append(int(stat.parent.name))
    return found

def is_kernel(pid: int) -> bool:
    "Whether `pid` is a running IPython kernel (not a recycled pid)."
    try: return b'ipykernel' in Path(f'/proc/{pid}/cmdline').read_bytes()
    except OSError: return False

def rss_mb(pid: int) -> float:
    "Resident memory of a process in MB (VmRSS), 0 when it is gone."
    try: status = Path(f'/proc/{pid}/status').read_text()
    except OSError: return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith('VmRSS:')), 0.0)

class AppServer:
    "A running `skin-nbdev app`: its process, port, log, and the kernels it has started."
    def __init__(self, process: subprocess.Popen, port: int, log: Path):
        self.process, self.port, self.log, self.seen_kernels = process, port, log, set()

    @property
    def url(self) -> str: return f'http://localhost:{self.port}/'

    def kernels(self) -> list[int]:
        "Pids of the kernels alive now (one per open page, plus a pre-heated one if any)."
        alive = [pid for pid in children(self.process.pid) if is_kernel(pid)]
        self.seen_kernels.update(alive)
        return alive

    def output(self) -> str: return self.log.read_text(errors='replace')

    def wait_kernels(self, count: int, timeout: float) -> list[int]:
        "Wait until exactly `count` kernels are alive (or `timeout` seconds pass); the kernels alive then."
        deadline = time.monotonic() + timeout
        while len(alive := self.kernels()) != count and time.monotonic() < deadline: time.sleep(1)
        return alive

    def stop(self):
        "Stop the server (SIGTERM, then SIGKILL to its group) and kill every kernel it started that is still alive."
        if self.process.poll() is None: self.kernels()
        with contextlib.suppress(ProcessLookupError): os.killpg(self.process.pid, signal.SIGTERM)
        try: self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError): os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        for pid in self.seen_kernels:
            if is_kernel(pid):
                with contextlib.suppress(ProcessLookupError): os.kill(pid, signal.SIGKILL)

@contextlib.contextmanager
def serve_app(*args: str, cwd: str | Path | None = None, env: dict | None = None, timeout: float = 60) -> Iterator[AppServer]:
    "Run `skin-nbdev app --no-browser --port <free port> *args`, wait until it listens, and stop it (and its kernels) afterwards."
    port, log = free_port(), Path(tempfile.mkstemp(prefix='skin_nbdev_app_', suffix='.log')[1])
    command = [*app_command(), 'app', '--no-browser', '--port', str(port), *args]
    with open(log, 'wb') as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    server = AppServer(process, port, log)
    try:
        deadline = time.monotonic() + timeout
        while not _listening(port):
            if process.poll() is not None: raise RuntimeError(f'skin-nbdev app exited with {process.returncode}:\n{server.output()[-3000:]}')
            if time.monotonic() > deadline: raise TimeoutError(f'skin-nbdev app did not listen on {port} in {timeout} s:\n{server.output()[-3000:]}')
            time.sleep(0.5)
        yield server
    finally:
        server.stop()
        log.unlink(missing_ok=True)

def _listening(port: int) -> bool:
    "Whether something accepts TCP connections on localhost:`port`."
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(('127.0.0.1', port)) == 0

@contextlib.contextmanager
def chromium() -> Iterator:
    "Playwright's sync API driving the system Chromium, headless; the browser and Playwright's driver are stopped afterwards."
    from playwright.sync_api import sync_playwright
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try: yield browser
        finally: browser.close()
    finally: playwright.stop()

def open_app(browser, server: AppServer, timeout: float = RENDER_TIMEOUT_S, viewport: dict | None = None):
    "A new page on the app, returned once the upload button is ready; and the seconds that took."
    page = browser.new_page(viewport=viewport or {'width': 1100, 'height': 900})
    start = time.perf_counter()
    page.goto(server.url, timeout=timeout * 1000, wait_until='commit')
    page.locator('.widget-upload').wait_for(state='visible', timeout=timeout * 1000)
    page.wait_for_function("() => { const b = document.querySelector('.widget-upload'); return b && !b.disabled }", timeout=timeout * 1000)
    return page, time.perf_counter() - start

def upload(page, paths: list[Path], timeout: float = 120) -> float:
    "Upload files through the app's button and wait until the score counts them all; the seconds that took."
    before = page.locator('.sn-result').count()
    start = time.perf_counter()
    with page.expect_file_chooser(timeout=timeout * 1000) as chooser:   # the widget makes its <input type=file> on click
        page.locator('.widget-upload').click()
    chooser.value.set_files([str(p) for p in paths])
    page.wait_for_function(f"() => document.querySelectorAll('.sn-result').length >= {before + len(paths)}", timeout=timeout * 1000)
    return time.perf_counter() - start

def result_rows(page) -> list[dict]:
    "The result cards on the page, newest first: file, verdict ('' for an error), error text, and the card's whole text."
    rows = []
    for card in page.locator('.sn-result').all():
        text = lambda sel: card.locator(sel).inner_text() if card.locator(sel).count() else ''
        rows.append(dict(file=text('.sn-file'), verdict=text('.sn-verdict'), error=text('.sn-error'), text=card.inner_text()))
    return rows
