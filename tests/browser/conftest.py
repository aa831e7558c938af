"""One forms server per test session and one headless Chromium per test module.

The server is ``cocope forms`` on a free port of 127.0.0.1 with a temporary
store; it is started with ``subprocess.Popen`` and stopped by its process id,
also when a test or the start-up fails. Tests make their own invitations in
that store (``forms.invite``).
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

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _store import make_store  # noqa: E402

import cocope_kit as ck  # noqa: E402
from cocope_kit import invitations as inv  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).parent / "screenshots"
START_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@dataclass
class FormsServer:
    base_url: str
    store_path: Path
    log_path: Path
    proc: subprocess.Popen

    def invite(self, form: str, wave: str, **kwargs) -> list[str]:
        """Links of new invitations (``create_invitations`` keywords)."""
        with ck.open_store(self.store_path) as s:
            cards = inv.create_invitations(s, kwargs.pop("cop", "at-test"), form, wave, **kwargs)
        return [inv.invitation_url(self.base_url, c.token) for c in cards]

    def log_tail(self, n: int = 40) -> str:
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-n:])


@pytest.fixture(scope="session")
def forms(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("forms")
    store_path = tmp / "forms.sqlite"
    make_store(store_path)
    port = _free_port()
    log_path = tmp / "forms.log"
    cmd = [sys.executable, "-c", "import sys; from cocope_kit.cli import main; sys.exit(main())",
           "forms", "--store", str(store_path), "--host", "127.0.0.1", "--port", str(port)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=tmp,
                                env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)})
    server = FormsServer(f"http://127.0.0.1:{port}", store_path, log_path, proc)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"cocope forms exited with code {proc.returncode}:\n"
                            f"{server.log_tail()}")
            try:
                urllib.request.urlopen(server.base_url + "/static/forms.css", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"cocope forms did not answer within {START_TIMEOUT} s:\n"
                            f"{server.log_tail()}")
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
