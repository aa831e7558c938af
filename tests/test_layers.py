"""DESIGN section 2: layers and import rules, checked in fresh interpreters and statically."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "cocope_kit"

# rank of each layer: a module may import modules of a lower or equal rank only
RANK = {
    "errors": 0, "model": 0,
    "schema": 1, "schema_docs": 1, "answer_status": 1, "schema_rules": 1, "schema_types": 1, "instruments": 1, "instrument_file": 1,
    "workspace": 1, "i18n": 1, "form_texts": 1,
    "stats": 2,
    "analysis": 3, "privacy": 3, "interviews": 3, "disclosure": 3,
    "store": 4, "store_io": 4, "store_checks": 4, "migrations": 4, "tabular": 4, "demo": 4, "cycle": 4, "exports": 4,
    "invitations": 4, "store_invitations": 4, "tidy": 4, "spss": 4, "refiqda": 4, "survey_import": 4, "survey_format": 4,
    "erasure": 4, "answer_checks": 4, "store_backend": 4, "pg_sandbox": 4,
    "charts": 5,
    "widgets": 6, "report": 6, "harvest_doc": 6,
    "report_common": 6, "report_sections": 6, "report_cop": 6, "report_cross": 6,
    "report_model": 6, "report_group": 6, "report_handout": 6,
    "cards": 6, "formserver": 6,
    "cli": 7,
}
HEAVY = ("matplotlib", "scipy", "ipywidgets", "networkx")
# modules that must stay out of sys.modules after importing a layer
FORBIDDEN = {
    "errors": HEAVY + ("sqlite3", "pandas"),
    "model": HEAVY + ("sqlite3", "pandas"),
    "schema": HEAVY + ("sqlite3",),
    "instruments": HEAVY + ("sqlite3",),
    "instrument_file": HEAVY + ("sqlite3", "pandas"),
    "workspace": HEAVY + ("sqlite3", "pandas"),
    "i18n": HEAVY + ("sqlite3", "pandas"),
    "form_texts": HEAVY + ("sqlite3", "pandas"),
    "stats": ("matplotlib", "ipywidgets", "sqlite3", "networkx"),
    "analysis": ("matplotlib", "ipywidgets", "sqlite3"),
    "privacy": ("matplotlib", "ipywidgets", "sqlite3", "scipy"),
    "disclosure": ("matplotlib", "ipywidgets", "sqlite3", "scipy"),
    "interviews": ("matplotlib", "ipywidgets", "sqlite3"),
    "store": ("matplotlib", "ipywidgets", "scipy"),
    "demo": ("matplotlib", "ipywidgets"),
    "charts": ("ipywidgets",),
    "report": ("ipywidgets",),
    "cycle": ("matplotlib", "ipywidgets"),
    "harvest_doc": ("ipywidgets",),
    "exports": ("matplotlib", "ipywidgets"),
    "erasure": ("matplotlib", "ipywidgets", "scipy", "sqlite3"),
    "invitations": ("matplotlib", "ipywidgets", "scipy", "sqlite3"),
    "store_invitations": HEAVY + ("sqlite3", "pandas"),
    "cards": ("matplotlib", "ipywidgets"),
    "formserver": ("matplotlib", "ipywidgets", "scipy"),
    "spss": ("matplotlib", "ipywidgets"),
    "refiqda": ("matplotlib", "ipywidgets", "sqlite3"),
    "survey_import": ("matplotlib", "ipywidgets", "scipy", "sqlite3"),
    "survey_format": ("matplotlib", "ipywidgets", "scipy", "sqlite3"),
}


def _modules_after(stmt: str) -> set[str]:
    code = f"import sys, json; {stmt}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def _present(layer: str) -> bool:
    return (PKG / f"{layer}.py").exists() or (PKG / layer / "__init__.py").exists()


def test_import_cocope_kit_is_cheap():
    mods = _modules_after("import cocope_kit")
    loaded = {m.split(".")[0] for m in mods}
    assert not loaded & {"matplotlib", "scipy", "ipywidgets", "pandas", "numpy", "sqlite3"}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_loads_no_forbidden_module(layer):
    assert _present(layer), f"cocope_kit.{layer} is missing"
    mods = {m.split(".")[0] for m in _modules_after(f"import cocope_kit.{layer}")}
    bad = sorted(mods & set(FORBIDDEN[layer]))
    assert not bad, f"importing cocope_kit.{layer} loaded {bad}"


def _internal_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level >= 1:
                if node.module:
                    names.add(node.module.split(".")[0])
                else:
                    names.update(a.name.split(".")[0] for a in node.names)
            elif node.module and node.module.startswith("cocope_kit"):
                parts = node.module.split(".")
                if len(parts) > 1:
                    names.add(parts[1])
                else:
                    names.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("cocope_kit."):
                    names.add(a.name.split(".")[1])
    return {n for n in names if n in RANK}


def _layer_of(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def test_every_module_belongs_to_a_layer():
    for path in PKG.rglob("*.py"):
        layer = _layer_of(path)
        assert layer == "__init__" or layer in RANK, f"{path.name}: add it to a layer of DESIGN section 2"


def test_imports_only_go_to_lower_layers():
    offences = []
    for path in PKG.rglob("*.py"):
        layer = _layer_of(path)
        if layer == "__init__":
            continue
        for dep in _internal_imports(path):
            if dep != layer and RANK[dep] > RANK[layer]:
                offences.append(f"{path.relative_to(PKG)} imports {dep}")
    assert not offences


def test_only_store_talks_sql_only_widgets_import_ipywidgets_only_cli_reads_argv():
    for path in PKG.rglob("*.py"):
        layer = _layer_of(path)
        text = path.read_text()
        tree = ast.parse(text)
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
        if "sqlite3" in imported:
            assert layer in ("store", "store_backend", "demo", "migrations"), f"{path.name} imports sqlite3"
        if "ipywidgets" in imported:
            assert layer == "widgets", f"{path.name} imports ipywidgets"
        if layer != "cli":
            assert "sys.argv" not in text and "sys.exit" not in text, f"{path.name} touches argv/exit"


# the store layer's modules that run SQL on the store's connection
SQL_MODULES = {"store", "store_invitations", "erasure", "store_backend", "pg_sandbox", "store_move",
               "store_access"}


def test_sql_runs_only_in_the_store_layer():
    """DESIGN section 2: `store` is the only module that talks SQL (issue 14: invitations.py
    used to run SQL on the store's connection)."""
    import re

    offences = []
    for path in PKG.rglob("*.py"):
        if path.parent == PKG and path.stem in SQL_MODULES:
            continue
        text = path.read_text()
        if re.search(r"\.(execute|executemany|executescript)\(|read_sql", text):
            offences.append(str(path.relative_to(PKG)))
    assert offences == []
