"""Packaging: environment.yml agrees with pyproject.toml; the console script exists."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# pip name -> conda-forge name where they differ
CONDA_NAME = {"pyyaml": "pyyaml", "scikit-learn": "scikit-learn"}


def _norm(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert m, spec
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    specs = list(data["project"]["dependencies"])
    for extra in data["project"].get("optional-dependencies", {}).values():
        specs += extra
    return dict(_norm(s) for s in specs)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and not dep.startswith(("python=", "pip")):
            name, ver = _norm(dep)
            out[name] = ver
        elif isinstance(dep, dict):  # the pip: section, for packages not on conda-forge
            for spec in dep.get("pip", []):
                if not spec.startswith("-e"):
                    name, ver = _norm(spec)
                    out[name] = ver
    return out


def test_environment_yml_lists_the_same_packages_and_bounds_as_pyproject():
    py = {CONDA_NAME.get(k, k): v for k, v in _pyproject().items()}
    assert _environment() == py


def test_environment_pins_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]


def test_console_script_points_at_cli_main():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["scripts"]["cocope"] == "cocope_kit.cli:main"


def test_readme_shows_the_two_commands_first():
    text = (ROOT / "README.md").read_text()
    first = text[: text.find("## The CoP cycle")] if "## The CoP cycle" in text else text[:3000]
    assert "make demo" in first and "make test" in first


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_subpackage_and_the_instruments_go_into_the_wheel():
    """pyproject lists the packages by hand (the instruments are mapped from data/), so a new
    subpackage must be added there or a wheel install would lack it."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(data["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "cocope_kit").rglob("__init__.py")}
    assert on_disk | {"cocope_kit._instruments"} == listed
    assert data["tool"]["setuptools"]["package-dir"]["cocope_kit._instruments"] == \
        "data/instruments"
    assert data["tool"]["setuptools"]["package-data"]["cocope_kit._instruments"] == ["*.yaml"]


def test_instruments_are_found_without_the_project_folder(tmp_path, monkeypatch):
    """In a wheel install there is no data/ next to the package: the packaged copy is used."""
    import cocope_kit.instruments as inst

    assert inst.INSTRUMENT_DIR == ROOT / "data" / "instruments"  # from a clone
    fake_pkg = tmp_path / "site-packages" / "cocope_kit"
    (fake_pkg / "_instruments").mkdir(parents=True)
    monkeypatch.setattr(inst, "__file__", str(fake_pkg / "instruments.py"))
    assert inst._instrument_dir() == fake_pkg / "_instruments"
