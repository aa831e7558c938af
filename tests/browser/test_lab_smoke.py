"""JupyterLab in headless Chromium: the meeting-3 notebook runs top to bottom and shows its forms.

Starts ``jupyter lab`` on 127.0.0.1 (free port, no token) on a temporary copy of
``notebooks/`` with ``COCOPE_STORE`` pointing to a temporary store, opens
``03_practice_collect.ipynb`` with Playwright in Debian's Chromium, runs all
cells from the Run menu and checks that no cell shows an error and that the
forms rendered. A second, generated notebook shows the CodingPanel while
coding is blind and after both coders are done. Screenshots of the forms go to
``tests/browser/screenshots/``. The server is stopped by its process id.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
NOTEBOOK = "03_practice_collect.ipynb"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking"]

# A generated notebook (not shipped) for screenshots of the CodingPanel in both states.
_CODING_VIEWS = [
    """import os
import cocope_kit as ck
from cocope_kit import widgets as cw
store = ck.open_store(os.environ["COCOPE_STORE"])
iv = "be-gent:iv-shots"
if store.read("interview", where={"interview_id": iv}).empty:
    store.insert("interview", {"interview_id": iv, "cop_id": "be-gent", "respondent_role": "parent",
        "conducted_on": "2026-05-20", "language": "en", "transcript":
        "I: What changed for your daughter this year?\\n\\n"
        "R: She stays in class now. The support teacher comes to her, and the other children "
        "do not ask why she leaves any more.\\n\\n"
        "R: The teachers talk to each other more. Sometimes they still tell her different things."})
def tick(coder, plan):
    p = cw.CodingPanel(store, iv, coder)
    for seg, label in plan:
        if not p.toggle(seg, label).value:
            p.toggle(seg, label).value = True
tick("coder_a", [(1, "no code applies"), (2, "student_voice"), (2, "unexpected_benefit"),
                 (3, "communication")])
tick("coder_b", [(1, "no code applies"), (2, "student_voice")])""",
    """blind = cw.CodingPanel(store, iv, "coder_b")
blind.add_class("shot-blind")
blind""",
    """tick("coder_b", [(3, "trust")])
done = cw.CodingPanel(store, iv, "coder_a")
done.add_class("shot-done")
done""",
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - localhost only
        return r.read()


def _write_views_notebook(path: Path) -> None:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": src} for src in _CODING_VIEWS]
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                                      "language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a temporary copy of notebooks/; yields (base url, notebook dir, store)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}; install it with `make chromium`")
    work = tmp_path_factory.mktemp("lab")
    nbdir = work / "notebooks"
    shutil.copytree(ROOT / "notebooks", nbdir,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.sqlite*"))
    _write_views_notebook(nbdir / "coding_views.ipynb")
    store = work / "store.sqlite"  # missing: the notebook writes the demo into it
    settings = work / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    config = work / "config"
    config.mkdir()
    quiet = {"LabApp": {"news_url": None, "check_for_updates_class":
                        "jupyterlab.handlers.announcements.NeverCheckForUpdate"}}
    for name in ("jupyter_lab_config.json", "jupyter_server_config.json"):
        (config / name).write_text(json.dumps(quiet))
    env = dict(os.environ)
    env.update({
        "COCOPE_STORE": str(store),
        "JUPYTERLAB_SETTINGS_DIR": str(work / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
        "JUPYTER_CONFIG_DIR": str(config),
        "IPYTHONDIR": str(work / "ipython"),
    })
    env.pop("COCOPE_NBVAL", None)
    port = _free_port()
    log = open(work / "lab.log", "wb")  # noqa: SIM115 - closed in teardown
    jupyter = Path(sys.executable).parent / "jupyter"
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.token=", "--ServerApp.password=", "--allow-root",
         f"--notebook-dir={nbdir}"],
        cwd=nbdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail("JupyterLab stopped:\n" + (work / "lab.log").read_text(errors="replace"))
            try:
                _get(f"{base}/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n"
                                + (work / "lab.log").read_text(errors="replace"))
                time.sleep(0.3)
        yield base, nbdir, store
    finally:
        try:  # shut the kernels down first, then the server, by process id
            for k in json.loads(_get(f"{base}/api/kernels")):
                req = urllib.request.Request(f"{base}/api/kernels/{k['id']}", method="DELETE")
                urllib.request.urlopen(req, timeout=10).close()  # noqa: S310
        except Exception:  # noqa: BLE001 - the server may already be gone
            pass
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}; install it with `make chromium`")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


def _kernel_idle(base: str, name: str) -> bool:
    sessions = json.loads(_get(f"{base}/api/sessions"))
    return any(x.get("path", "").endswith(name) and x.get("kernel", {}).get("execution_state")
               == "idle" for x in sessions)


PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in the visible tab
_ALL_RUN = """() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    if (!panel) return false;
    const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator');
    return prompts.length > 0
        && prompts.every(p => /\\[\\d+\\]/.test(p.textContent))
        && ind !== null && ind.getAttribute('data-status') === 'idle';
}"""
_STARTED = """() => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
    .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""


def _open_and_run_all(page, base: str, name: str) -> None:
    """Open a notebook, wait for its kernel, run all cells from the Run menu, wait until done."""
    page.goto(f"{base}/lab/tree/{name}?reset", wait_until="domcontentloaded")  # no other tabs
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=60_000)
    deadline = time.monotonic() + 60
    while not _kernel_idle(base, name):
        if time.monotonic() > deadline:
            raise AssertionError(f"the kernel of {name} did not start")
        time.sleep(0.3)
    no = page.locator(".jp-toast-button", has_text="No")  # "get Jupyter news?" toast
    if no.count():
        no.first.click()
    for _attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:
            page.wait_for_function(_STARTED, timeout=15_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    try:
        page.wait_for_function(_ALL_RUN, timeout=180_000)
    except PlaywrightTimeout:
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"failed_{Path(name).stem}.png"))
        raise
    page.wait_for_timeout(1500)  # let the widget views finish drawing


def _errors(page) -> list[str]:
    loc = page.locator(PANEL).locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
        ".jp-OutputArea-output.jp-mod-error, .jp-RenderedText.jp-mod-error")
    return [loc.nth(i).inner_text()[:800] for i in range(loc.count())]


def test_practice_notebook_runs_in_lab(lab, browser):
    base, nbdir, store = lab
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    try:
        _open_and_run_all(page, base, NOTEBOOK)
        assert _errors(page) == []
        n_code = page.locator(f"{PANEL} .jp-CodeCell").count()
        assert n_code == sum(c["cell_type"] == "code" for c in json.loads(
            (nbdir / NOTEBOOK).read_text(encoding="utf-8"))["cells"])
        forms = page.locator(f"{PANEL} .cocope-form")
        assert forms.count() == 7, ("invitation cards, goal, action plan, reflection, lessons, "
                                    "value story, coding")
        page.wait_for_selector(".cocope-form >> text=Lessons learned")
        for title in ("Invitations to the participant forms", "Measure the goal",
                      "Progress of the action plan", "Reflection",
                      "Value-creation story", "Coding an interview"):
            assert page.locator(".cocope-form h3", has_text=title).count() >= 1
        assert page.locator(".cocope-form .widget-toggle-button").count() > 10
        assert store.exists()  # the notebook wrote the demo into COCOPE_STORE
        page.screenshot(path=str(SHOTS / "lab_practice_notebook.png"))
        names = ["invitation_desk", "goal_measurement", "action_status", "reflection",
                 "lesson_log", "value_story", "coding_panel_demo"]
        for i, name in enumerate(names):
            forms.nth(i).screenshot(path=str(SHOTS / f"{name}.png"))
    finally:
        page.close()


def test_coding_panel_blind_and_done_in_lab(lab, browser):
    base, _, _ = lab
    SHOTS.mkdir(exist_ok=True)
    # tall, so that each panel fits the notebook's own scroll area for its screenshot
    page = browser.new_page(viewport={"width": 1400, "height": 2800})
    try:
        _open_and_run_all(page, base, "coding_views.ipynb")
        assert _errors(page) == []
        blind = page.locator(".shot-blind")
        done = page.locator(".shot-done")
        assert "Blind coding:" in blind.inner_text()
        assert "differs" not in blind.inner_text()
        text = done.inner_text()
        assert "Blind coding is complete" in text and "differs" in text and "same codes" in text
        blind.screenshot(path=str(SHOTS / "coding_panel_blind.png"))
        done.screenshot(path=str(SHOTS / "coding_panel_done.png"))
    finally:
        page.close()


# Meetings 1 and 2: each notebook runs in JupyterLab and shows its forms; running it again
# with a new kernel (the next day) shows what the first run stored.
_MEETINGS = {
    "00_start_here.ipynb": ("CoP",),
    "01_domain_shared_goal.ipynb": ("Attendance", "Ideas", "shared goal", "Reflection"),
    "02_community_action_plan.ipynb": ("Attendance", "Action plan", "Reflection"),
}


@pytest.mark.parametrize("name", sorted(_MEETINGS))
def test_meeting_notebooks_run_in_lab_and_reopen(lab, browser, name):
    base, _, store = lab
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    try:
        _open_and_run_all(page, base, name)
        assert _errors(page) == []
        forms = page.locator(f"{PANEL} .cocope-form")
        assert forms.count() >= len(_MEETINGS[name])
        text = page.locator(PANEL).inner_text()
        for word in _MEETINGS[name]:
            assert word.lower() in text.lower(), f"{name} shows no {word!r}"
        page.screenshot(path=str(SHOTS / f"lab_{Path(name).stem}.png"))
        for i in range(forms.count()):
            forms.nth(i).screenshot(path=str(SHOTS / f"lab_{Path(name).stem}_form{i + 1}.png"))
        if name == "01_domain_shared_goal.ipynb":
            import cocope_kit as ck

            with ck.open_store(store) as s:
                statement = s.read("goal", where={"cop_id": "be-gent"})["statement"].iloc[0]
            # the next day: a new kernel, the same notebook, the same store
            # (from the page, which holds the server's _xsrf cookie that a DELETE needs)
            gone = page.evaluate("""async () => {
                const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '';
                const ks = await (await fetch('/api/kernels')).json();
                for (const k of ks) {
                    await fetch('/api/kernels/' + k.id,
                                {method: 'DELETE', headers: {'X-XSRFToken': xsrf}});
                }
                return (await (await fetch('/api/kernels')).json()).length;
            }""")
            assert gone == 0
            _open_and_run_all(page, base, name)
            assert _errors(page) == []
            goal_form = page.locator(f"{PANEL} .cocope-form", has_text="SMART")
            values = goal_form.first.locator("textarea, input").evaluate_all(
                "els => els.map(e => e.value)")
            assert statement in values, "the saved goal is shown after a restart"
    finally:
        page.close()
