"""cocope_kit: reflection and evaluation toolkit for Communities of Practice in inclusive schools.

The package import is cheap: heavy modules (matplotlib, scipy, ipywidgets) load
on first use of the module that needs them.

>>> import cocope_kit as ck
>>> store = ck.open_store(":memory:")
>>> sorted(ck.__all__)[:3]
['CocopeError', 'Store', '__version__']
"""

from __future__ import annotations

from importlib import import_module

from .errors import CocopeError

__version__ = "0.1.0"

__all__ = [
    "CocopeError",
    "Store",
    "__version__",
    "load_instrument",
    "list_instruments",
    "open_store",
]

_LAZY = {
    "open_store": ("store", "open_store"),
    "Store": ("store", "Store"),
    "load_instrument": ("instruments", "load_instrument"),
    "list_instruments": ("instruments", "list_instruments"),
}
_SUBMODULES = {
    "errors", "model", "schema", "instruments", "stats", "analysis", "privacy", "store",
    "demo", "charts", "widgets", "report", "cli", "tabular", "migrations",
}


def __getattr__(name: str):
    if name in _LAZY:
        mod, attr = _LAZY[name]
        value = getattr(import_module(f".{mod}", __name__), attr)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'cocope_kit' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
