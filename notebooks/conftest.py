"""nbval runs of the notebooks use a throw-away copy of the demo store.

The kernels nbval starts inherit this process's environment, so setting
``COCOPE_STORE`` here keeps test runs away from ``data/demo.sqlite``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cocope_kit.demo import write_demo

_tmp = Path(tempfile.mkdtemp(prefix="cocope_nbval_"))
_store = _tmp / "demo.sqlite"
write_demo(_store).close()
os.environ["COCOPE_STORE"] = str(_store)
os.environ["COCOPE_NBVAL"] = "1"
