"""One Voilà server per test session and one headless Chromium per test module.

The server serves ``notebooks/forms`` on a free port of 127.0.0.1 with a
temporary store (``COCOPE_STORE``); it is started with ``subprocess.Popen``
and stopped by its process id, also when a test or the start-up fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _store import make_store  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]
ROOT = Path(__file__).resolve().parents[2]
FORMS_DIR = ROOT / "notebooks" / "forms"
VOILA = Path(sys.executable).with_name("voila")
SCREENSHOTS = Path(__file__).parent / "screenshots"
START_TIMEOUT = 90


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@dataclass
class Voila:
    base_url: str
    store_path: Path
    log_path: Path
    proc: subprocess.Popen

    def url(self, notebook: str, **params) -> str:
        return f"{self.base_url}/voila/render/{notebook}?{urlencode(params)}"

    def log_tail(self, n: int = 40) -> str:
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-n:])


@pytest.fixture(scope="session")
def voila(tmp_path_factory):
    if not VOILA.exists():
        pytest.fail(f"voila is not installed next to {sys.executable}; run 'make test-env'")
    tmp = tmp_path_factory.mktemp("voila")
    store_path = tmp / "forms.sqlite"
    make_store(store_path)
    port = _free_port()
    log_path = tmp / "voila.log"
    env = dict(os.environ, COCOPE_STORE=str(store_path), PYTHONUNBUFFERED="1")
    env.pop("QUERY_STRING", None)
    # iopub_timeout: nbclient waits only 4 s (its default) for a cell's output after the
    # execute reply; with many kernels starting at once on a small machine the form's
    # output then gets lost ("Timeout waiting for IOPub output") and the page stays empty.
    cmd = [str(VOILA), str(FORMS_DIR), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
           "--show_tracebacks=False", "--VoilaExecutor.iopub_timeout=60"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp)
    server = Voila(f"http://127.0.0.1:{port}", store_path, log_path, proc)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"Voilà exited with code {proc.returncode}:\n{server.log_tail()}")
            try:
                with urllib.request.urlopen(server.base_url + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"Voilà did not answer within {START_TIMEOUT} s:\n{server.log_tail()}")
            time.sleep(0.2)
        yield server
    finally:
        _stop(proc)


# Module scope, not session: Playwright's sync API runs an event loop in this thread,
# and a test module that starts its own sync_playwright() (test_lab_smoke.py) fails
# while another instance is still alive.
@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: the browser tests cannot run. "
                    "Install it with 'make chromium' (Debian package 'chromium').")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        pw.stop()


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
