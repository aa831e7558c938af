"""A wheel, installed into a fresh venv outside the repository, gives the whole Jupyter workflow.

Issue 13: pip users get the notebooks (00-05), the instruments and the form server's templates
as package data, and
``cocope notebooks --out DIR`` copies them into a working folder. The wheel is built from this
checkout with ``pip wheel`` and installed with ``--no-deps`` into a new venv; the venv reaches
the already-installed dependencies through a path file (installing them again would need the
network and minutes), never the checkout itself: every command runs from a folder outside the
repository, and the test checks that the kit is imported from the new venv.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(dist)],
        check=True, capture_output=True, text=True, cwd=base,
    )
    (wheel,) = dist.glob("cocope_kit-*.whl")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # the dependencies from the test venv (a plain path entry: its .pth files, among them the
    # editable install of this checkout, are not run)
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                    "-q", str(wheel)], check=True, capture_output=True, text=True, cwd=base)
    work = base / "elsewhere"
    work.mkdir()
    return py, env_dir, work, wheel


def _run(py, work, *args):
    # as a pip user runs it: without the test session's store variables (conftest.py sets
    # COCOPE_STORE for the notebooks' runs, and the subprocess would inherit it)
    env = {k: v for k, v in os.environ.items() if k not in ("COCOPE_STORE", "COCOPE_NBVAL")}
    return subprocess.run([py, *args], capture_output=True, text=True, cwd=work, timeout=300,
                          env=env)


def test_wheel_carries_the_notebooks_templates_and_instruments(wheel_venv):
    import zipfile

    names = set(zipfile.ZipFile(wheel_venv[3]).namelist())
    for nb in ("00_start_here", "01_domain_shared_goal", "02_community_action_plan",
               "03_practice_collect", "04_practice_analysis", "05_cross_cop_evaluation"):
        assert f"cocope_kit/_notebooks/{nb}.ipynb" in names
    # the form server's page templates and static files (issue 14)
    shipped = {f"cocope_kit/{p.relative_to(ROOT / 'cocope_kit').as_posix()}"
               for p in (ROOT / "cocope_kit" / "templates").rglob("*") if p.is_file()}
    assert len(shipped) >= 6 and shipped <= names
    assert not [n for n in names if n.startswith("cocope_kit/_notebooks") and n.endswith(".py")]
    assert "cocope_kit/_instruments/cop_climate.yaml" in names
    for lang in ("de", "nl", "pt", "sk"):  # the message catalogs of the five languages
        assert f"cocope_kit/locale/{lang}/LC_MESSAGES/cocope_kit.po" in names


def test_cocope_notebooks_from_the_wheel_copies_everything(wheel_venv):
    py, env_dir, work, _ = wheel_venv
    where = _run(py, work, "-c", "import cocope_kit; print(cocope_kit.__file__)")
    assert where.stdout.strip().startswith(str(env_dir)), where
    texts = _run(py, work, "-c", "from cocope_kit.i18n import translator; "
                 "print(translator('sk').gettext('OUR SHARED GOAL'))")
    assert texts.stdout.strip() == "NÁŠ SPOLOČNÝ CIEĽ", texts

    cocope = env_dir / "bin" / "cocope"
    out = _run(cocope, work, "notebooks", "--out", "X")
    assert out.returncode == 0, out.stderr
    x = work / "X"
    shipped = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in x.glob("*.ipynb")) == shipped and len(shipped) == 6
    for p in (ROOT / "notebooks").rglob("*.ipynb"):
        rel = p.relative_to(ROOT / "notebooks")
        assert (x / rel).read_bytes() == p.read_bytes(), rel
    assert out.stdout.splitlines()[-2] == "6 copied, 0 unchanged, into X"
    assert json.loads((x / "cocope-workspace.json").read_text()) == {"store": "data/demo.sqlite"}

    # the notebooks in X open X/data/demo.sqlite (also from a folder below X)
    (x / "below").mkdir()
    for cwd in (x, x / "below"):
        found = _run(py, cwd, "-c", "from cocope_kit.demo import notebook_store_path as p; "
                     "print(p())")
        assert found.stdout.strip() == str(x / "data" / "demo.sqlite"), found

    # a changed notebook is not overwritten; --force replaces it
    nb = x / "04_practice_analysis.ipynb"
    nb.write_text(nb.read_text().replace("Meeting 3", "Our meeting 3"))
    changed = nb.read_bytes()
    again = _run(cocope, work, "notebooks", "--out", "X")
    assert again.returncode == 1
    assert "04_practice_analysis.ipynb" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr
    assert nb.read_bytes() == changed
    forced = _run(cocope, work, "notebooks", "--out", "X", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "replaced  04_practice_analysis.ipynb" in forced.stdout
    assert nb.read_bytes() == (ROOT / "notebooks" / nb.name).read_bytes()


def test_first_notebook_runs_from_the_working_folder(wheel_venv):
    """The start notebook, executed in the copied folder, creates the demo store there."""
    py, env_dir, work, _ = wheel_venv
    x = work / "nbrun"
    assert _run(env_dir / "bin" / "cocope", work, "notebooks", "--out", str(x)).returncode == 0
    run = _run(py, x, "-m", "nbconvert", "--to", "notebook", "--execute",
               "--output", "executed.ipynb", "00_start_here.ipynb")
    assert run.returncode == 0, run.stderr[-2000:]
    assert (x / "data" / "demo.sqlite").is_file()
    text = (x / "executed.ipynb").read_text()
    assert f"Working on {x / 'data' / 'demo.sqlite'}" in text
