"""Packaging: the lock and the conda files agree with pyproject.toml; the console script exists."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# pip name -> conda-forge name where they differ
CONDA_NAME = {"pyyaml": "pyyaml", "scikit-learn": "scikit-learn"}


def _norm(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*(.*)$", spec)  # extras dropped
    assert m, spec
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject(part: str = "all") -> dict[str, str]:
    """Requirement name -> bounds; part is "runtime", "test" or "all"."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    specs = list(data["project"]["dependencies"]) if part in ("runtime", "all") else []
    if part in ("test", "all"):
        for extra in data["project"].get("optional-dependencies", {}).values():
            specs += extra
    return dict(_norm(s) for s in specs)


def _environment(name: str = "environment.yml") -> dict[str, str]:
    env = yaml.safe_load((ROOT / name).read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and not dep.startswith(("python=", "pip")):
            name_, ver = _norm(dep)
            out[name_] = ver
        elif isinstance(dep, dict):  # the pip: section, for packages not on conda-forge
            for spec in dep.get("pip", []):
                if not spec.startswith("-e"):
                    name_, ver = _norm(spec)
                    out[name_] = ver
    return out


def _lock() -> dict[str, str]:
    """Package name -> the whole requirement line of requirements/lock.txt (hash lines skipped)."""
    out = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        if not line or line[0] in " #\t-":
            continue
        spec = line.split(";")[0].rstrip(" \\")
        name, ver = _norm(spec)
        name = re.sub(r"\[.*\]", "", name)
        assert name not in out, f"{name} pinned twice in the lock"
        out[name] = ver
    return out


def test_environment_yml_lists_the_runtime_packages_of_pyproject():
    py = {CONDA_NAME.get(k, k): v for k, v in _pyproject("runtime").items()}
    assert _environment() == py


def test_environment_test_yml_lists_the_test_packages_of_pyproject():
    py = {CONDA_NAME.get(k, k): v for k, v in _pyproject("test").items()}
    assert _environment("environment-test.yml") == py


def test_conda_files_together_cover_every_dependency():
    both = {**_environment(), **_environment("environment-test.yml")}
    assert set(both) == {CONDA_NAME.get(k, k) for k in _pyproject()}


def test_lock_pins_every_dependency_of_pyproject_exactly():
    lock = _lock()
    missing = sorted(set(_pyproject()) - set(lock))
    assert not missing, f"requirements/lock.txt lacks {missing}: run make lock"
    loose = {name: ver for name, ver in lock.items() if not re.fullmatch(r"==[^=<>!~,*]+", ver)}
    assert not loose, f"not pinned with ==: {loose}"
    # the build tools of the editable install are locked too (--no-build-isolation)
    assert {"pip", "setuptools", "wheel"} <= set(lock)


def test_every_locked_pin_satisfies_pyproject_bounds():
    from packaging.specifiers import SpecifierSet

    lock = _lock()
    for name, bounds in _pyproject().items():
        assert lock[name][2:] in SpecifierSet(bounds), (name, bounds, lock[name])


def test_every_lock_entry_carries_a_hash():
    text = (ROOT / "requirements" / "lock.txt").read_text()
    entries = re.findall(r"^([A-Za-z0-9][^\s]*==[^\s]+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+)",
                         text, flags=re.M)
    assert len(entries) == len(_lock())


def test_makefile_installs_from_the_lock_with_hashes():
    text = (ROOT / "Makefile").read_text()
    assert "pip install -q --require-hashes -r $(LOCK)" in text
    assert "LOCK := requirements/lock.txt" in text
    assert re.search(r"^lock:", text, flags=re.M)


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


def test_every_subpackage_the_instruments_and_the_notebooks_go_into_the_wheel():
    """pyproject lists the packages by hand (the instruments and notebooks are mapped from data/
    and notebooks/), so a new subpackage must be added there or a wheel install would lack it."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(data["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "cocope_kit").rglob("__init__.py")}
    mapped = {"cocope_kit._instruments", "cocope_kit._notebooks"}
    assert on_disk | mapped == listed
    dirs = data["tool"]["setuptools"]["package-dir"]
    assert dirs == {"cocope_kit._instruments": "data/instruments",
                    "cocope_kit._notebooks": "notebooks"}
    pkg_data = data["tool"]["setuptools"]["package-data"]
    assert pkg_data["cocope_kit._instruments"] == ["*.yaml"]
    assert pkg_data["cocope_kit._notebooks"] == ["*.ipynb"]
    # the form server's templates and static files (issue 14) are package data of cocope_kit
    assert {"templates/*.j2", "templates/static/*"} <= set(pkg_data["cocope_kit"])
    # a mapped folder holds data only: any .py file there would become a module of the wheel
    for folder in dirs.values():
        assert not list((ROOT / folder).glob("*.py")), folder


def test_instruments_are_found_without_the_project_folder(tmp_path, monkeypatch):
    """In a wheel install there is no data/ next to the package: the packaged copy is used."""
    import cocope_kit.instruments as inst

    assert inst.INSTRUMENT_DIR == ROOT / "data" / "instruments"  # from a clone
    fake_pkg = tmp_path / "site-packages" / "cocope_kit"
    (fake_pkg / "_instruments").mkdir(parents=True)
    monkeypatch.setattr(inst, "__file__", str(fake_pkg / "instruments.py"))
    assert inst._instrument_dir() == fake_pkg / "_instruments"
