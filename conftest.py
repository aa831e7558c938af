"""nbval runs of the notebooks use a throw-away copy of the demo store.

The kernels nbval starts inherit this process's environment, so setting
``COCOPE_STORE`` keeps test runs away from ``data/demo.sqlite``. It is set up the first
time a notebook is collected (a run of tests/ alone does not pay for a demo store).
This file sits at the top of the repository rather than in ``notebooks/`` so that the
notebooks folder, which a wheel ships as package data, holds notebooks only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_ready = False


def _nbval_store() -> None:
    global _ready
    if _ready:
        return
    from cocope_kit.demo import write_demo

    store = Path(tempfile.mkdtemp(prefix="cocope_nbval_")) / "demo.sqlite"
    write_demo(store).close()
    os.environ["COCOPE_STORE"] = str(store)
    os.environ["COCOPE_NBVAL"] = "1"
    _ready = True


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".ipynb":
        _nbval_store()
    return None
