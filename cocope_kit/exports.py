"""Exports for researchers: SPSS ``.sav`` files and a REFI-QDA codebook (``.qdc``).

Both follow the kit's privacy defaults (DESIGN section 7): people are shown by
pseudonym unless ``names=True``, and the consent/assent register
(:func:`cocope_kit.privacy.filter_consented`) decides who is in.

* :func:`write_sav` writes one ``<table>.sav`` per store table. Every variable
  carries its description from :mod:`cocope_kit.schema` as variable label;
  columns with a fixed set of values (role, kind, status, phase, ...) are coded
  1, 2, 3, ... in schema order with value labels, true/false columns 0/1 with
  ``no``/``yes``, and ``pair_rating.level`` keeps 0-3 with the names of the
  levels of working together. One ``survey_<instrument>.sav`` per instrument
  holds the answers wide (one row per response, one variable per item) with
  the item text as variable label and the instrument's scale labels as value
  labels. Written with `pyreadstat <https://github.com/Roche/pyreadstat>`_
  (ReadStat).
* :func:`write_qdc` writes the ``code`` table as a REFI-QDA codebook
  (Codebook Exchange format, namespace ``urn:QDA-XML:codebook:1.0``), readable
  by ATLAS.ti, MAXQDA, NVivo and QDA Miner; :func:`read_qdc` reads one back
  into the columns of the ``code`` table. GUIDs are UUIDs derived from the
  code id (:func:`code_guid`), so the same code keeps its GUID in every export.

Examples
--------
>>> import cocope_kit as ck, tempfile, pathlib
>>> from cocope_kit.demo import write_demo
>>> from cocope_kit.exports import write_qdc, read_qdc
>>> store = write_demo(ck.open_store(":memory:"))
>>> path = write_qdc(store, pathlib.Path(tempfile.mkdtemp()) / "codes.qdc")
>>> back = read_qdc(path)
>>> len(back) == len(store.read("code")), set(back.columns) >= {"code_id", "label", "parent_id"}
(True, True)
"""

from __future__ import annotations

import os
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import Problem, UsageError, ValidationError

__all__ = [
    "QDC_NAMESPACE",
    "LEVEL_LABELS",
    "code_guid",
    "sav_frames",
    "write_sav",
    "write_qdc",
    "read_qdc",
]

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
"""XML namespace of the REFI-QDA Codebook Exchange format (version 1.0)."""

_GUID_NAMESPACE = uuid.UUID("6b1f3c52-8f0e-5d2a-9c1e-3c0c0de0b00c")
LEVEL_LABELS: dict[int, str] = {0: "none", 1: "cooperation", 2: "coordination", 3: "collaboration"}
"""Value labels of ``pair_rating.level``."""

_MAX_CODED = 20  # enums with more values (e.g. country codes) stay text


# ----------------------------------------------------------------------------- SPSS
def _enum_values(col) -> tuple | None:
    allowed = col.allowed
    if allowed is None or col.type != "text" or len(allowed) > _MAX_CODED:
        return None
    return tuple(sorted(allowed)) if isinstance(allowed, frozenset) else tuple(allowed)


def _spss_name(name: str, taken: set[str]) -> str:
    """A valid SPSS variable name (letter first; letters, digits, _ .; at most 64 bytes)."""
    base = re.sub(r"[^A-Za-z0-9_.]", "_", str(name))
    if not base or not base[0].isalpha():
        base = "v_" + base
    base = base[:64].rstrip(".")
    out, i = base, 2
    while out.lower() in taken:
        out, i = f"{base[:60]}_{i}", i + 1
    taken.add(out.lower())
    return out


def _labels_text(text: str) -> str:
    return " ".join(str(text).split())[:255]


def _table_frame(table: str, df: pd.DataFrame) -> tuple[pd.DataFrame, dict, dict, dict]:
    """One store table as an SPSS-ready frame, with variable labels, value labels and formats."""
    from .schema import TABLES

    spec = TABLES[table]
    out = {}
    var_labels: dict[str, str] = {}
    value_labels: dict[str, dict] = {}
    formats: dict[str, str] = {}
    for col in spec.columns:
        s = df[col.name] if col.name in df.columns else pd.Series([None] * len(df), index=df.index)
        var_labels[col.name] = _labels_text(col.description or f"{table} {col.name}")
        codes = _enum_values(col)
        if codes is not None:
            mapping = {v: i for i, v in enumerate(codes, start=1)}
            out[col.name] = s.map(mapping).astype("float64")
            value_labels[col.name] = {float(i): str(v) for v, i in mapping.items()}
            formats[col.name] = "F2.0"
        elif col.type == "bool":
            out[col.name] = s.astype("boolean").astype("Float64").astype("float64")
            value_labels[col.name] = {0.0: "no", 1.0: "yes"}
            formats[col.name] = "F1.0"
        elif col.type in ("int", "real"):
            out[col.name] = pd.to_numeric(s, errors="coerce").astype("float64")
            if table == "pair_rating" and col.name == "level":
                value_labels[col.name] = {float(k): v for k, v in LEVEL_LABELS.items()}
        elif col.type == "date":
            d = pd.to_datetime(s, errors="coerce")
            out[col.name] = d.dt.date.astype(object).where(d.notna(), None)
            formats[col.name] = "DATE11"
        elif col.type == "timestamp":
            d = pd.to_datetime(s, errors="coerce", utc=True).dt.tz_localize(None)
            out[col.name] = d
            formats[col.name] = "DATETIME20"
        else:
            out[col.name] = s.astype(object).where(s.notna(), "").map(str)
    return pd.DataFrame(out, index=df.index).reset_index(drop=True), var_labels, value_labels, \
        formats


def _survey_frame(instrument_id: str, responses: pd.DataFrame, answers: pd.DataFrame
                  ) -> tuple[pd.DataFrame, dict, dict, dict]:
    """Answers of one instrument wide: one row per response, one variable per item."""
    from .instruments import load_instrument

    inst = load_instrument(instrument_id)
    resp = responses[responses["instrument_id"] == instrument_id]
    ans = answers[answers["response_id"].isin(set(resp["response_id"]))]
    wide = ans.pivot_table(index="response_id", columns="item_id", values="value",
                           aggfunc="first")
    items = list(inst.items)  # every item, answered or not, in the instrument's order
    head = ["response_id", "cop_id", "respondent_id", "respondent_role", "wave", "language",
            "submitted_at"]
    base, var_labels, value_labels, formats = _table_frame(
        "response", resp.reset_index(drop=True))
    base = base[head]
    var_labels = {k: v for k, v in var_labels.items() if k in head}
    value_labels = {k: v for k, v in value_labels.items() if k in head}
    formats = {k: v for k, v in formats.items() if k in head}
    taken = {h.lower() for h in head}
    cols = {}
    for it in items:
        name = _spss_name(it.id, taken)
        vals = wide[it.id] if it.id in wide.columns else pd.Series(np.nan, index=wide.index)
        cols[name] = base["response_id"].map(vals).astype("float64")
        text = it.text.get("en") or next(iter(it.text.values()), it.id)
        var_labels[name] = _labels_text(f"{it.construct}: {text}"
                                        + (" (reverse keyed)" if it.reverse else ""))
        scale = inst.scales[it.scale]
        labs = scale.labels.get("en") or next(iter(scale.labels.values()), ())
        value_labels[name] = {float(v): str(lab) for v, lab in zip(scale.values, labs,
                                                                   strict=False)}
    frame = pd.concat([base, pd.DataFrame(cols, index=base.index)], axis=1)
    return frame, var_labels, value_labels, formats


def sav_frames(store: object, *, names: bool = False, tables: Sequence[str] | None = None,
               consented_only: bool = True, surveys: bool = True) -> dict[str, tuple]:
    """The frames :func:`write_sav` writes, by file stem, without writing them.

    Returns
    -------
    dict
        ``{stem: (frame, variable_labels, value_labels, formats)}`` plus the key
        ``"_register"`` holding the consent register used.
    """
    from . import privacy
    from .instruments import list_instruments
    from .schema import TABLE_ORDER, TABLES

    want = list(tables) if tables else list(TABLE_ORDER)
    for t in want:
        if t not in TABLES:
            raise UsageError(f"unknown table {t!r}; one of: {', '.join(TABLE_ORDER)}")
    need = set(want) | {"member", "consent", "response", "answer", "interview", "coding"}
    raw = {t: store.read(t) for t in TABLE_ORDER if t in need}
    if consented_only:
        kept, register = privacy.filter_consented(raw)
    else:
        kept = dict(raw)
        register = privacy.consent_register(raw["member"], raw["consent"])
    if not names:
        kept = {t: privacy.pseudonymise(t, df) for t, df in kept.items()}
    out: dict[str, tuple] = {}
    for t in want:
        out[t] = _table_frame(t, kept[t])
    if surveys and len(kept["response"]):
        shipped = set(list_instruments())
        for inst in sorted(set(kept["response"]["instrument_id"].dropna()) & shipped):
            out[f"survey_{inst}"] = _survey_frame(inst, kept["response"], kept["answer"])
    out["_register"] = register
    return out


def write_sav(store: object, out_dir: str | os.PathLike, *, names: bool = False,
              tables: Sequence[str] | None = None, consented_only: bool = True,
              surveys: bool = True) -> list[Path]:
    """Write SPSS ``.sav`` files: one per table and one per survey instrument.

    Parameters
    ----------
    store : Store or object with ``read(table)``
    out_dir : path
        Folder to write into (created).
    names : bool, default False
        Keep real names (personal data!); otherwise pseudonyms and labels.
    tables : sequence of str, optional
        Tables to write (default every table).
    consented_only : bool, default True
        Leave out everyone the consent/assent register excludes.
    surveys : bool, default True
        Also write ``survey_<instrument>.sav`` (answers wide, scale labels).

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import cocope_kit as ck, tempfile, pyreadstat
    >>> from cocope_kit.demo import write_demo
    >>> store = write_demo(ck.open_store(":memory:"))
    >>> files = write_sav(store, tempfile.mkdtemp(), tables=["member"])
    >>> [f.name for f in files][:2]
    ['member.sav', 'survey_cop_climate.sav']
    >>> df, meta = pyreadstat.read_sav(files[0])
    >>> meta.variable_value_labels["role"][1.0], meta.column_names_to_labels["pseudonym"][:9]
    ('teacher', 'name show')
    """
    import pyreadstat

    frames = sav_frames(store, names=names, tables=tables, consented_only=consented_only,
                        surveys=surveys)
    frames.pop("_register")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"out_dir must be a folder, {out} is a file")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, (frame, var_labels, value_labels, formats) in frames.items():
        f = out / f"{stem}.sav"
        pyreadstat.write_sav(frame, str(f), column_labels=var_labels,
                             variable_value_labels=value_labels or None,
                             variable_format=formats or None,
                             file_label=_labels_text(f"cocope_kit export: {stem}"))
        written.append(f)
    return written


# ----------------------------------------------------------------------------- REFI-QDA
def code_guid(code_id: str) -> str:
    """A stable GUID for a code: UUID version 5 of its ``code_id``.

    >>> code_guid("demo:trust") == code_guid("demo:trust"), len(code_guid("demo:trust"))
    (True, 36)
    """
    return str(uuid.uuid5(_GUID_NAMESPACE, str(code_id)))


def write_qdc(store: object, path: str | os.PathLike, *, codebook: str | None = None) -> Path:
    """Write the ``code`` table as a REFI-QDA codebook (``.qdc``).

    ``CodeBook > Codes > Code`` elements with ``guid`` (:func:`code_guid`),
    ``name`` (the label) and ``isCodable="true"``; a code with a ``parent_id``
    is nested inside its parent's ``Code``; the description goes into
    ``Description``. The code id and codebook are kept in the description's
    last line (``[cocope code_id=... codebook=...]``) so :func:`read_qdc` can
    bring them back.

    Parameters
    ----------
    store : Store or object with ``read(table)``
    path : path
        The ``.qdc`` file to write.
    codebook : str, optional
        Only the codes of this codebook.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValidationError
        A ``parent_id`` that names no code of the export, or a cycle of parents.
    """
    codes = store.read("code")
    if codebook is not None:
        if codebook not in set(codes["codebook"]):
            raise UsageError(f"no codebook {codebook!r} in table code; codebooks: "
                             f"{', '.join(sorted(set(codes['codebook'].dropna())))}")
        codes = codes[codes["codebook"] == codebook]
    codes = codes.reset_index(drop=True)
    ids = set(codes["code_id"])
    parent = {r.code_id: (None if pd.isna(r.parent_id) else r.parent_id)
              for r in codes.itertuples()}
    row = {c: i for i, c in enumerate(codes["code_id"], start=1)}
    problems = [Problem("code", row[c], "parent_id", p,
                        "must be the code_id of another code in this export")
                for c, p in parent.items() if p is not None and p not in ids]
    for c in parent:  # cycles
        seen, cur = set(), c
        while cur is not None and cur in parent and cur not in seen:
            seen.add(cur)
            cur = parent[cur]
        if cur is not None and cur in seen:
            problems.append(Problem("code", row[c], "parent_id", parent[c],
                                    f"the chain of parents loops back to {cur!r}"))
            break
    if problems:
        raise ValidationError(problems, "the code table (REFI-QDA export)")
    ET.register_namespace("", QDC_NAMESPACE)
    q = f"{{{QDC_NAMESPACE}}}"
    root = ET.Element(q + "CodeBook", {"origin": "cocope_kit"})
    holder = ET.SubElement(root, q + "Codes")
    children: dict[str | None, list] = {}
    for r in codes.sort_values(["codebook", "code_id"]).itertuples():
        children.setdefault(parent[r.code_id], []).append(r)

    def add(into: ET.Element, r) -> None:
        el = ET.SubElement(into, q + "Code", {"guid": code_guid(r.code_id), "name": str(r.label),
                                              "isCodable": "true"})
        desc = "" if pd.isna(r.description) else str(r.description)
        d = ET.SubElement(el, q + "Description")
        d.text = (desc + "\n" if desc else "") + f"[cocope code_id={r.code_id} codebook={r.codebook}]"
        for ch in children.get(r.code_id, []):
            add(el, ch)

    for r in children.get(None, []):
        add(holder, r)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    ET.indent(root)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out


_TAG = re.compile(r"\[cocope code_id=(?P<id>\S+) codebook=(?P<cb>[^\]]*)\]\s*$")


def read_qdc(path: str | os.PathLike, *, codebook: str = "imported") -> pd.DataFrame:
    """Read a REFI-QDA codebook into the columns of the ``code`` table.

    Codes written by :func:`write_qdc` get their ``code_id`` and codebook
    back; codes from other programs get ``<codebook>:<guid>`` as id. Nesting
    becomes ``parent_id``.

    Returns
    -------
    pandas.DataFrame
        Columns ``code_id, codebook, label, description, parent_id``.

    Raises
    ------
    ValidationError
        Not a codebook of namespace ``urn:QDA-XML:codebook:1.0``, or a
        ``Code`` without ``guid`` or ``name``.
    """
    p = Path(path)
    try:
        root = ET.parse(p).getroot()
    except (OSError, ET.ParseError) as e:
        raise ValidationError([Problem("codebook", None, None, None,
                                       f"not a readable XML file ({e})", str(p))]) from e
    q = f"{{{QDC_NAMESPACE}}}"
    if root.tag != q + "CodeBook":
        raise ValidationError([Problem("codebook", None, "root element", root.tag,
                                       f"expected CodeBook in namespace {QDC_NAMESPACE}",
                                       str(p))])
    rows: list[dict] = []
    problems: list[Problem] = []

    def walk(el: ET.Element, parent_id: str | None, line: str) -> None:
        for i, c in enumerate(el.findall(q + "Code"), start=1):
            where = f"{line}/Code[{i}]"
            guid, name = c.get("guid"), c.get("name")
            if not guid or not name:
                problems.append(Problem("codebook", None, where, None,
                                        "a Code needs both guid and name", str(p)))
                continue
            d = c.find(q + "Description")
            text = (d.text or "") if d is not None else ""
            m = _TAG.search(text)
            code_id = m.group("id") if m else f"{codebook}:{guid}"
            cb = m.group("cb") if m else codebook
            desc = _TAG.sub("", text).strip() if m else text.strip()
            rows.append({"code_id": code_id, "codebook": cb, "label": name,
                         "description": desc or None, "parent_id": parent_id})
            walk(c, code_id, where)

    codes = root.find(q + "Codes")
    if codes is not None:
        walk(codes, None, "CodeBook/Codes")
    if problems:
        raise ValidationError(problems)
    return pd.DataFrame(rows, columns=["code_id", "codebook", "label", "description", "parent_id"],
                        dtype=object)

