"""A class of 30 opens its invitation links at once: time to a usable form, and memory.

``cocope forms`` serves a fresh store with 30 anonymous student cards
(``cop_climate``, easy-read). Headless Chromium opens all 30 links at the same
time (one browser context each, phone size); the time runs from the start until
the last page shows its submit button. Then all 30 submit at once. Memory is the
resident set of the server process and every process it started (there are
none: the forms server runs no kernels), sampled every 50 ms: the peak while
the class works, and the value 60 s after the last submit, against the idle
server before the first link was opened. The store must then hold 30 responses.

Goals (issue 14): last form usable <= 10 s, peak <= 1.5 GB, 60 s after the
submits <= idle server + 150 MB. For comparison, the Voilà forms that this
server replaced started one kernel of about 107 MB per page, kept it until the
server stopped, and needed 27-36 s to show 20 forms opened together (issue 14).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from ._common import PYTHON, ROOT, Row, check

PARTICIPANTS = 30
SETTLE_S = 60
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(x.split()[1]) for x in fh if x.startswith("VmRSS"))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024


class _Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self._halt = pid, 0.0, threading.Event()

    def run(self):
        while not self._halt.is_set():
            self.peak = max(self.peak, _tree_rss_mb(self.pid))
            time.sleep(0.05)

    def stop(self):
        self._halt.set()
        self.join()


def _store(path: Path) -> list[str]:
    import cocope_kit as ck
    from cocope_kit import invitations as inv

    with ck.open_store(path) as s:
        s.insert("cop", {"cop_id": "bench-forms", "name": "Class 4b", "school": "Bench school",
                         "country": "AT", "language": "de", "created_on": "2026-01-12"})
        cards = inv.create_invitations(s, "bench-forms", "cop_climate", "post",
                                       anonymous=PARTICIPANTS, audience="student")
    return [c.token for c in cards]


async def _class(base: str, tokens: list[str]) -> tuple[float, float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        pages = []
        for _ in tokens:
            ctx = await browser.new_context(viewport={"width": 390, "height": 844})
            pages.append(await ctx.new_page())

        async def open_one(page, token):
            await page.goto(f"{base}/?t={token}", timeout=120_000)
            await page.wait_for_selector("button.submit", state="visible", timeout=120_000)

        t0 = time.perf_counter()
        await asyncio.gather(*(open_one(p, t) for p, t in zip(pages, tokens, strict=True)))
        t_open = time.perf_counter() - t0

        async def submit(page):
            await page.evaluate("""() => document.querySelectorAll('fieldset.item').forEach(
                f => f.querySelector('input').checked = true)""")
            async with page.expect_navigation(timeout=120_000):
                await page.click("button.submit")
            await page.wait_for_selector("h1#message", timeout=120_000)

        t1 = time.perf_counter()
        await asyncio.gather(*(submit(p) for p in pages))
        t_submit = time.perf_counter() - t1
        await browser.close()
    return t_open, t_submit


def _http_at_once(base: str, tokens: list[str]) -> float:
    """Seconds until 30 plain HTTP clients have their form page (the server's share)."""
    from concurrent.futures import ThreadPoolExecutor

    def get(token):
        with urllib.request.urlopen(f"{base}/?t={token}", timeout=60) as r:
            body = r.read()
        assert b'class="submit"' in body
        return len(body)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(len(tokens)) as pool:
        list(pool.map(get, tokens))
    return time.perf_counter() - t0


def bench() -> list[Row]:
    import cocope_kit as ck

    with tempfile.TemporaryDirectory(prefix="cocope_bench_forms_") as tmp:
        path = Path(tmp) / "class.sqlite"
        tokens = _store(path)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([PYTHON, "-c", "import sys; from cocope_kit.cli import main; "
                                 "sys.exit(main())", "forms", "--store", str(path),
                                 "--port", str(port)], env=env, cwd=tmp,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(base + "/static/forms.css", timeout=2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError("cocope forms did not start") from None
                    time.sleep(0.1)
            time.sleep(1.0)
            idle = _tree_rss_mb(proc.pid)
            sampler = _Sampler(proc.pid)
            sampler.start()
            load = os.getloadavg()[0]
            t_http = _http_at_once(base, tokens)
            t_open, t_submit = asyncio.run(_class(base, tokens))
            time.sleep(SETTLE_S)
            sampler.stop()
            after = _tree_rss_mb(proc.pid)
            peak = sampler.peak
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        with ck.open_store(path) as s:
            n = s.count("response")
    check(n == PARTICIPANTS, f"{n} responses stored, expected {PARTICIPANTS}")
    return [
        Row(f"{PARTICIPANTS} invitations opened at once: last form usable", t_open, "s",
            target="<= 10 s", met=t_open <= 10,
            note=f"{PARTICIPANTS} Chromium pages at 390x844 on the same machine (load average "
                 f"{load:.1f} at the start); the {PARTICIPANTS} submits took {t_submit:.2f} s, "
                 f"{n} responses stored"),
        Row(f"{PARTICIPANTS} form pages at once, plain HTTP (the server's share)", t_http, "s",
            note="30 threads, each GET /?t=TOKEN until the whole page is read"),
        Row(f"peak memory, forms server + kernels, {PARTICIPANTS} participants", peak, "MB",
            target="<= 1,500 MB", met=peak <= 1500,
            note="no kernels: the server starts no processes"),
        Row(f"memory {SETTLE_S} s after the submits, above the idle server", after - idle,
            "MB", target="<= 150 MB", met=after - idle <= 150,
            note=f"idle server {idle:.0f} MB, {after:.0f} MB after"),
    ]


if __name__ == "__main__":  # python -m benchmarks.forms
    from ._common import text_table

    print(text_table(bench()))
