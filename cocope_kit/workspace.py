"""A working folder for the notebooks, for people who installed the kit with pip.

A clone of the repository has ``notebooks/`` (the facilitator's and researcher's
notebooks 00-05; participants answer through ``cocope forms``, not a notebook). A wheel carries
the same files as package data (``cocope_kit/_notebooks``). :func:`copy_notebooks`
(``cocope notebooks --out DIR``) copies them into a folder of the user's choice and
writes a small marker file, ``cocope-workspace.json``, that tells the notebooks
which store to open when ``COCOPE_STORE`` is not set (:func:`default_store_path`).

Nothing the user changed is ever overwritten without ``force=True``: a notebook in
the folder that differs from the shipped one is listed, and nothing is copied.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from cocope_kit.workspace import copy_notebooks
>>> out = Path(tempfile.mkdtemp()) / "cop"
>>> result = copy_notebooks(out)
>>> sorted(p.name for p in out.glob("*.ipynb"))[:2]
['00_start_here.ipynb', '01_domain_shared_goal.ipynb']
>>> (out / "cocope-workspace.json").is_file()
True
>>> copy_notebooks(out).copied   # a second copy finds every file unchanged
()
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import CocopeError

__all__ = [
    "MARKER",
    "NOTEBOOKS",
    "CopyResult",
    "copy_notebooks",
    "default_store_path",
    "notebooks_dir",
]

#: The marker file :func:`copy_notebooks` writes into a working folder.
MARKER = "cocope-workspace.json"

#: The notebooks of the CoP cycle, in the order they are used.
NOTEBOOKS: tuple[str, ...] = (
    "00_start_here.ipynb",
    "01_domain_shared_goal.ipynb",
    "02_community_action_plan.ipynb",
    "03_practice_collect.ipynb",
    "04_practice_analysis.ipynb",
    "05_cross_cop_evaluation.ipynb",
)

_PACKAGE = Path(__file__).resolve().parent


def notebooks_dir() -> Path:
    """The folder the notebooks are copied from.

    ``notebooks/`` of the repository in a clone (or an editable install); the copy a
    wheel carries inside the package (``cocope_kit/_notebooks``) otherwise.

    Examples
    --------
    >>> (notebooks_dir() / "00_start_here.ipynb").is_file()
    True
    """
    project = _PACKAGE.parent / "notebooks"
    if (project / NOTEBOOKS[0]).is_file():
        return project
    return _PACKAGE / "_notebooks"


def _shipped_files() -> list[Path]:
    """Paths relative to :func:`notebooks_dir` of the notebooks."""
    src = notebooks_dir()
    missing = [name for name in NOTEBOOKS if not (src / name).is_file()]
    if missing:
        raise CocopeError(
            f"the notebooks are missing from this installation ({src}: "
            f"{', '.join(missing)}); reinstall cocope_kit"
        )
    return [Path(name) for name in NOTEBOOKS]


@dataclass(frozen=True)
class CopyResult:
    """What :func:`copy_notebooks` did, file by file (paths relative to ``folder``).

    Attributes
    ----------
    folder : Path
        The working folder.
    copied : tuple of str
        Files written that were not there before, or were replaced (``force=True``).
    unchanged : tuple of str
        Files already there, identical to the shipped ones.
    replaced : tuple of str
        The subset of ``copied`` that overwrote a changed file (only with ``force=True``).
    """

    folder: Path
    copied: tuple[str, ...]
    unchanged: tuple[str, ...]
    replaced: tuple[str, ...]


def copy_notebooks(out: str | os.PathLike, *, force: bool = False,
                   store: str | os.PathLike | None = None) -> CopyResult:
    """Copy the notebooks (00-05) into a working folder.

    Parameters
    ----------
    out : path
        The folder; created when missing.
    force : bool, default False
        Overwrite notebooks in ``out`` that differ from the shipped ones (changed by
        the user). Without it such files are listed in the error and nothing is copied.
    store : path, optional
        The store the notebooks open when ``COCOPE_STORE`` is not set, written to the
        marker file (relative paths are relative to ``out``). Default ``data/demo.sqlite``
        in ``out``, which the first notebook creates with the demo data when missing.
        An existing marker is kept unless ``store`` is given.

    Returns
    -------
    CopyResult

    Raises
    ------
    CocopeError
        ``out`` is a file, or notebooks there were changed and ``force`` is false.
    """
    folder = Path(out).expanduser()
    if folder.exists() and not folder.is_dir():
        raise CocopeError(f"{folder} is a file; --out needs a folder (it is created when missing)")
    src = notebooks_dir()
    files = _shipped_files()
    changed = [str(rel) for rel in files
               if (folder / rel).exists() and (folder / rel).read_bytes() != (src / rel).read_bytes()]
    if changed and not force:
        raise CocopeError(
            f"{len(changed)} notebook(s) in {folder} differ from the shipped ones and would be "
            f"overwritten: {', '.join(changed)}; nothing was copied. Copy into another folder, "
            "or add --force to replace them (your changes are then lost)"
        )
    copied, unchanged = [], []
    for rel in files:
        target = folder / rel
        if target.exists() and str(rel) not in changed:
            unchanged.append(str(rel))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(src / rel, tmp)
        os.replace(tmp, target)  # never a half-written notebook
        copied.append(str(rel))
    marker = folder / MARKER
    if store is not None or not marker.exists():
        marker.write_text(json.dumps(
            {"store": str(store if store is not None else Path("data") / "demo.sqlite")},
            indent=2) + "\n", encoding="utf-8")
    return CopyResult(folder, tuple(copied), tuple(unchanged), tuple(changed))


def _marker_store(start: Path) -> Path | None:
    """The store named by the nearest marker file in ``start`` or a parent (3 levels)."""
    for folder in [start, *list(start.parents)[:3]]:
        marker = folder / MARKER
        if marker.is_file():
            try:
                store = json.loads(marker.read_text(encoding="utf-8"))["store"]
            except (ValueError, KeyError, TypeError) as exc:
                raise CocopeError(
                    f"{marker}: not a cocope workspace file ({exc.__class__.__name__}); "
                    'it should hold {"store": "path/to/store.sqlite"}'
                ) from None
            path = Path(str(store)).expanduser()
            return path if path.is_absolute() else folder / path
    return None


def default_store_path(cwd: str | os.PathLike | None = None) -> Path:
    """The store the notebooks and forms open when ``COCOPE_STORE`` is not set.

    In order: the store named by a workspace marker (:data:`MARKER`) in ``cwd`` or up
    to three folders above it (a folder made by :func:`copy_notebooks`); in a clone of
    the repository, ``data/demo.sqlite``; otherwise ``demo.sqlite`` in ``cwd``.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> _ = copy_notebooks(out)
    >>> default_store_path(out / "forms") == out / "data" / "demo.sqlite"
    True
    """
    here = Path.cwd() if cwd is None else Path(cwd)
    found = _marker_store(here.resolve())
    if found is not None:
        return found
    repo_data = _PACKAGE.parent / "data"
    if (repo_data / "instruments").is_dir():
        return repo_data / "demo.sqlite"
    return here / "demo.sqlite"
