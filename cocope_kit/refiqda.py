"""REFI-QDA exchange: the codebook (``.qdc``) and whole projects (``.qdpx``).

The REFI-QDA standard (Rotterdam Exchange Format Initiative, version 1.5,
https://www.qdasoftware.org) is read and written by ATLAS.ti, MAXQDA, NVivo,
QDA Miner, QualCoder and others. Exports follow the kit's privacy defaults
(DESIGN section 7): interviews of people without consent or assent are left
out with their codings, the interviewer is a label unless ``names=True``.

Codebook (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``)
    :func:`write_qdc` writes the ``code`` table: ``CodeBook > Codes > Code``
    with ``guid`` (:func:`code_guid`), ``name`` (the label),
    ``isCodable="true"``, nested by ``parent_id``; the description's last line
    ``[cocope code_id=... codebook=...]`` brings id and codebook back in
    :func:`read_qdc`. A store without codes is an error, not an empty file.

Project (``.qdpx``, namespace ``urn:QDA-XML:project:1.0``)
    :func:`write_qdpx` writes a zip with ``project.qde`` and ``sources/``:

    * ``Users``: one ``User`` per coder (``name`` = the coder);
    * ``CodeBook``: the codes, as in the ``.qdc``;
    * ``Sources``: one ``TextSource`` per interview, its transcript in
      ``sources/<guid>.txt`` (UTF-8, ``plainTextPath="internal://<guid>.txt"``),
      ``name`` = the interview id;
    * one ``PlainTextSelection`` per segment and coder, spanning the
      segment's characters (``startPosition`` counted from 0 in Unicode
      characters, ``endPosition`` after the last one), holding one ``Coding``
      per code with ``creatingUser`` = the coder's ``User``.

Importing (:func:`read_qdpx`, :func:`import_qda`)
    A ``.qdpx`` from any tool: each ``TextSource`` is matched to a stored
    interview (by the kit's GUID, by name = ``interview_id``, or by the same
    text); its paragraphs must be the interview's segments. A selection codes
    every segment it overlaps; the coder is the ``User`` named by the
    ``Coding``'s (else the selection's) ``creatingUser``. Codes are the
    file's codebook (ids of codes made elsewhere: ``<codebook>:<guid>``).
    All or nothing: every problem is listed with the element where it is,
    and nothing is stored. Rows already in the store are not added again.

Safe XML
    Files are parsed with the standard library's expat parser, which never
    loads external entities; before that, any document type declaration
    (``<!DOCTYPE``, the only place entities can be declared, and so the
    billion-laughs attack) is refused. Zip members are read into memory,
    never extracted, and limited in size.

Examples
--------
>>> import cocope_kit as ck, tempfile, pathlib
>>> from cocope_kit.demo import write_demo
>>> store = write_demo(ck.open_store(":memory:"))
>>> path = write_qdc(store, pathlib.Path(tempfile.mkdtemp()) / "codes.qdc")
>>> back = read_qdc(path)
>>> len(back) == len(store.read("code")), set(back.columns) >= {"code_id", "label", "parent_id"}
(True, True)
>>> qdpx = write_qdpx(store, pathlib.Path(tempfile.mkdtemp()) / "project.qdpx")
>>> frames = read_qdpx(qdpx, store.read("interview"))
>>> len(frames["coding"]) == len(store.read("coding"))
True
"""

from __future__ import annotations

import io
import os
import re
import uuid
import xml.etree.ElementTree as ET
import xml.parsers.expat
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .errors import CocopeError, Problem, UsageError, ValidationError

__all__ = [
    "QDC_NAMESPACE",
    "QDE_NAMESPACE",
    "code_guid",
    "segment_spans",
    "write_qdc",
    "read_qdc",
    "write_qdpx",
    "read_qdpx",
    "import_qda",
]

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
"""XML namespace of the REFI-QDA Codebook Exchange format (version 1.0)."""

QDE_NAMESPACE = "urn:QDA-XML:project:1.0"
"""XML namespace of the REFI-QDA Project Exchange format (version 1.0)."""

_GUID_NAMESPACE = uuid.UUID("6b1f3c52-8f0e-5d2a-9c1e-3c0c0de0b00c")
_MAX_MEMBER = 256 * 1024 * 1024  # largest zip member read (bytes, uncompressed)
_NOTHING = "nothing to export: the store has no interview codes"
_CODE_TAG = re.compile(r"\[cocope code_id=(?P<id>\S+) codebook=(?P<cb>[^\]]*)\]\s*$")
_SOURCE_TAG = re.compile(r"\[cocope interview_id=(?P<id>\S+)\]\s*$")
_SEL_TAG = re.compile(r"\[cocope segment=(?P<seg>\d+) codings=(?P<ids>[^\]]*)\]\s*$")
_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}\}?$")


def code_guid(code_id: str) -> str:
    """A stable GUID for a code: UUID version 5 of its ``code_id``.

    >>> code_guid("demo:trust") == code_guid("demo:trust"), len(code_guid("demo:trust"))
    (True, 36)
    """
    return str(uuid.uuid5(_GUID_NAMESPACE, str(code_id)))


def _guid(kind: str, key: str) -> str:
    """Stable GUID of a source, selection, coding or user (UUID 5 of kind and key)."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"{kind}:{key}"))


def _norm_guid(g: str) -> str:
    return g.strip().strip("{}").lower()


# ----------------------------------------------------------------------------- safe parsing
def _parse_xml(data: bytes, where: str) -> ET.Element:
    """Parse XML with no document type declaration (so no entities of any kind)."""
    def refuse(*_args):
        raise ValueError("a document type declaration (<!DOCTYPE ...>) is not allowed in a "
                         "REFI-QDA file (it could declare entities)")

    check = xml.parsers.expat.ParserCreate()
    check.StartDoctypeDeclHandler = refuse
    check.EntityDeclHandler = refuse
    try:
        check.Parse(data, True)
        return ET.fromstring(data)
    except (ValueError, xml.parsers.expat.ExpatError, ET.ParseError) as e:
        raise ValidationError([Problem("file", None, None, None,
                                       f"not a readable XML file ({e})", where)]) from None


# ----------------------------------------------------------------------------- codebook
def _codes_checked(codes: pd.DataFrame) -> dict[str, str | None]:
    """``{code_id: parent_id}``, after checking that parents exist and do not loop."""
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
    return parent


def _add_codes(holder: ET.Element, codes: pd.DataFrame, q: str) -> None:
    """Nest ``Code`` elements (namespace prefix ``q``) into ``holder``."""
    parent = _codes_checked(codes)
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


def _write_xml(root: ET.Element, out: Path | io.BytesIO) -> None:
    ET.indent(root)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)


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
    CocopeError
        The store has no codes (an empty ``Codes`` is not a valid codebook).
    ValidationError
        A ``parent_id`` that names no code of the export, or a cycle of parents.
    """
    codes = store.read("code")
    if not len(codes):
        raise CocopeError(_NOTHING)
    if codebook is not None:
        if codebook not in set(codes["codebook"]):
            raise UsageError(f"no codebook {codebook!r} in table code; codebooks: "
                             f"{', '.join(sorted(set(codes['codebook'].dropna())))}")
        codes = codes[codes["codebook"] == codebook]
    codes = codes.reset_index(drop=True)
    ET.register_namespace("", QDC_NAMESPACE)
    q = f"{{{QDC_NAMESPACE}}}"
    root = ET.Element(q + "CodeBook", {"origin": "cocope_kit"})
    _add_codes(ET.SubElement(root, q + "Codes"), codes, q)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_xml(root, out)
    return out


def _read_codes(holder: ET.Element | None, q: str, codebook: str, where: str,
                source: str) -> tuple[list[dict], dict[str, str], list[Problem]]:
    """Rows of the ``code`` table from nested ``Code`` elements, and ``{guid: code_id}``."""
    rows: list[dict] = []
    by_guid: dict[str, str] = {}
    problems: list[Problem] = []

    def walk(el: ET.Element, parent_id: str | None, line: str) -> None:
        for i, c in enumerate(el.findall(q + "Code"), start=1):
            at = f"{line}/Code[{i}]"
            guid, name = c.get("guid"), c.get("name")
            if not guid or not name:
                problems.append(Problem("codebook", None, at, None,
                                        "a Code needs both guid and name", source))
                continue
            d = c.find(q + "Description")
            text = (d.text or "") if d is not None else ""
            m = _CODE_TAG.search(text)
            code_id = m.group("id") if m else f"{codebook}:{guid}"
            cb = m.group("cb") if m else codebook
            desc = _CODE_TAG.sub("", text).strip() if m else text.strip()
            rows.append({"code_id": code_id, "codebook": cb, "label": name,
                         "description": desc or None, "parent_id": parent_id})
            by_guid[_norm_guid(guid)] = code_id
            walk(c, code_id, at)

    if holder is not None:
        walk(holder, None, where)
    return rows, by_guid, problems


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
        Not a codebook of namespace ``urn:QDA-XML:codebook:1.0``, a document
        type declaration, or a ``Code`` without ``guid`` or ``name``.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ValidationError([Problem("codebook", None, None, None,
                                       f"not a readable XML file ({e})", str(p))]) from e
    root = _parse_xml(data, str(p))
    q = f"{{{QDC_NAMESPACE}}}"
    if root.tag != q + "CodeBook":
        raise ValidationError([Problem("codebook", None, "root element", root.tag,
                                       f"expected CodeBook in namespace {QDC_NAMESPACE}",
                                       str(p))])
    rows, _, problems = _read_codes(root.find(q + "Codes"), q, codebook, "CodeBook/Codes",
                                    str(p))
    if problems:
        raise ValidationError(problems)
    return pd.DataFrame(rows, columns=["code_id", "codebook", "label", "description", "parent_id"],
                        dtype=object)


# ----------------------------------------------------------------------------- segments
def segment_spans(text: str) -> list[tuple[int, int, str]]:
    """Where each segment of a transcript lies: ``(start, end, text)`` per paragraph.

    The paragraphs are those of :func:`cocope_kit.interviews.split_segments`
    (blank lines separate them; any line break counts); ``start`` is the
    position of the paragraph's first non-space character, ``end`` the
    position after its last one (Unicode characters, counted from 0); the
    text has its whitespace reduced to single spaces.

    >>> segment_spans("I: Why?\\n\\n  R: Because.\\n")
    [(0, 7, 'I: Why?'), (11, 22, 'R: Because.')]
    """
    spans: list[tuple[int, int, str]] = []
    start = end = None
    words: list[str] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        if body.strip():
            lead = len(body) - len(body.lstrip())
            if start is None:
                start = pos + lead
            end = pos + len(body.rstrip())
            words += body.split()
        elif start is not None:
            spans.append((start, end, " ".join(words)))
            start, words = None, []
        pos += len(line)
    if start is not None:
        spans.append((start, end, " ".join(words)))
    return spans


# ----------------------------------------------------------------------------- project export
def _consented(store: object, names: bool, consented_only: bool) -> dict[str, pd.DataFrame]:
    from . import privacy

    need = ("member", "consent", "response", "interview", "code", "coding")
    return privacy.output_tables(store, need, names=names, consented_only=consented_only)[0]


def write_qdpx(store: object, path: str | os.PathLike, *, names: bool = False,
               consented_only: bool = True) -> Path:
    """Write a REFI-QDA project: interviews, segments coded by each coder, the codebook.

    Parameters
    ----------
    store : Store or object with ``read(table)``
    path : path
        The ``.qdpx`` file to write.
    names : bool, default False
        Keep the interviewer's name (personal data!); otherwise a label.
    consented_only : bool, default True
        Leave out interviews of people the consent/assent register excludes,
        with their codings.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    CocopeError
        The store has no codes.
    ValidationError
        A code's ``parent_id`` names no code, or parents loop; a coding of a
        segment the transcript does not have.
    """
    from . import __version__

    t = _consented(store, names, consented_only)
    codes = t["code"].reset_index(drop=True)
    if not len(codes):
        raise CocopeError(_NOTHING)
    interviews = t["interview"].sort_values("interview_id").reset_index(drop=True)
    codings = t["coding"]
    codings = codings[codings["interview_id"].isin(set(interviews["interview_id"]))]
    ET.register_namespace("", QDE_NAMESPACE)
    q = f"{{{QDE_NAMESPACE}}}"
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = ET.Element(q + "Project", {"name": "cocope_kit interviews",
                                      "origin": f"cocope_kit {__version__}",
                                      "creationDateTime": now})
    coders = sorted(set(codings["coder"].dropna().astype(str)))
    if coders:
        users = ET.SubElement(root, q + "Users")
        for c in coders:
            ET.SubElement(users, q + "User", {"guid": _guid("user", c), "name": c, "id": c})
    _add_codes(ET.SubElement(ET.SubElement(root, q + "CodeBook"), q + "Codes"), codes, q)
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    if len(interviews):
        sources = ET.SubElement(root, q + "Sources")
        by_interview = {k: g for k, g in codings.groupby("interview_id", sort=False)}
        for iv in interviews.itertuples():
            sguid = _guid("interview", iv.interview_id)
            text = str(iv.transcript)
            texts[sguid] = text
            src = ET.SubElement(sources, q + "TextSource", {
                "guid": sguid, "name": str(iv.interview_id),
                "plainTextPath": f"internal://{sguid}.txt"})
            on = None if pd.isna(iv.conducted_on) else pd.Timestamp(iv.conducted_on).date()
            about = [f"{k}: {v}" for k, v in (
                ("CoP", iv.cop_id), ("respondent", iv.respondent_id),
                ("role", iv.respondent_role), ("conducted on", on),
                ("interviewer", iv.interviewer), ("language", iv.language)) if not pd.isna(v)]
            d = ET.SubElement(src, q + "Description")
            d.text = "\n".join([*about, f"[cocope interview_id={iv.interview_id}]"])
            spans = segment_spans(text)
            mine = by_interview.get(iv.interview_id)
            if mine is None:
                continue
            for (seg, coder), grp in mine.sort_values(["segment", "coder", "coding_id"]).groupby(
                    ["segment", "coder"], sort=True):
                seg = int(seg)
                if not 1 <= seg <= len(spans):
                    problems += [Problem("coding", None, "segment", seg,
                                         f"interview {iv.interview_id} has {len(spans)} segments "
                                         f"(coding {cid})") for cid in grp["coding_id"]]
                    continue
                start, end, _ = spans[seg - 1]
                uguid = _guid("user", str(coder))
                sel = ET.SubElement(src, q + "PlainTextSelection", {
                    "guid": _guid("selection", f"{iv.interview_id}:{seg}:{coder}"),
                    "name": f"segment {seg}", "startPosition": str(start),
                    "endPosition": str(end), "creatingUser": uguid})
                d = ET.SubElement(sel, q + "Description")
                d.text = f"[cocope segment={seg} codings={','.join(grp['coding_id'])}]"
                for r in grp.itertuples():
                    c = ET.SubElement(sel, q + "Coding", {"guid": _guid("coding", r.coding_id),
                                                         "creatingUser": uguid})
                    ET.SubElement(c, q + "CodeRef", {"targetGUID": code_guid(r.code_id)})
    if problems:
        raise ValidationError(problems, "the codings (REFI-QDA export)")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    qde = io.BytesIO()
    _write_xml(root, qde)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", qde.getvalue())
        for sguid, text in texts.items():
            z.writestr(f"sources/{sguid}.txt", text.encode("utf-8"))
    return out


# ----------------------------------------------------------------------------- project import
def _member(z: zipfile.ZipFile, name: str, where: str) -> bytes:
    info = z.getinfo(name)
    if info.file_size > _MAX_MEMBER:
        raise ValidationError([Problem("file", None, name, None,
                                       f"is {info.file_size} bytes unpacked, more than the "
                                       f"{_MAX_MEMBER} bytes a REFI-QDA member may have here",
                                       where)])
    with z.open(info) as f:
        data = f.read(_MAX_MEMBER + 1)
    if len(data) > _MAX_MEMBER:
        raise ValidationError([Problem("file", None, name, None, "is too large", where)])
    return data


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def _source_text(el: ET.Element, q: str, z: zipfile.ZipFile, names: dict[str, str],
                 where: str, source: str) -> tuple[str | None, Problem | None]:
    content = el.find(q + "PlainTextContent")
    if content is not None:
        return content.text or "", None
    ref = el.get("plainTextPath")
    if not ref:
        return None, Problem("project.qde", None, where, None,
                             "a TextSource needs plainTextPath or PlainTextContent", source)
    if ref.startswith("internal://"):
        member = "sources/" + ref[len("internal://"):]
        real = names.get(member.lower())
        if real is None:
            return None, Problem("project.qde", None, where, ref,
                                 f"the zip holds no {member}", source)
        try:
            return _decode(_member(z, real, source)), None
        except UnicodeDecodeError:
            return None, Problem("project.qde", None, where, ref,
                                 "the plain text is not UTF-8 or UTF-16 with a BOM", source)
    return None, Problem("project.qde", None, where, ref,
                         "the plain text must be inside the .qdpx (internal://...)", source)


def _match_interview(el: ET.Element, q: str, text: str, interviews: pd.DataFrame,
                     by_guid: dict[str, str], by_text: dict[str, str]) -> str | None:
    d = el.find(q + "Description")
    m = _SOURCE_TAG.search((d.text or "") if d is not None else "")
    ids = set(interviews["interview_id"])
    if m and m.group("id") in ids:
        return m.group("id")
    g = by_guid.get(_norm_guid(el.get("guid", "")))
    if g is not None:
        return g
    if el.get("name") in ids:
        return el.get("name")
    return by_text.get(" ".join(text.split()))


def read_qdpx(path: str | os.PathLike, interviews: pd.DataFrame, *,
              codebook: str = "imported") -> dict[str, pd.DataFrame]:
    """Read the codes and codings of a REFI-QDA project for the given interviews.

    Parameters
    ----------
    path : path
        A ``.qdpx`` file (from the kit or from another program).
    interviews : pandas.DataFrame
        Rows of the ``interview`` table the sources are matched to.
    codebook : str, default "imported"
        Codebook of codes made by another program (their id:
        ``<codebook>:<guid>``).

    Returns
    -------
    dict
        ``{"code": ..., "coding": ...}`` with the columns of those tables.
        Codings are one per segment, code and coder (a selection over two
        paragraphs codes both; two selections in one paragraph with the same
        code by the same coder are one coding).

    Raises
    ------
    ValidationError
        Listing every problem with the element where it is: not a project,
        a source matching no interview or with other paragraphs, a selection
        outside the text, a code or user that is not declared.
    """
    p = Path(path)
    src = str(p)
    try:
        z = zipfile.ZipFile(p)
    except (OSError, zipfile.BadZipFile) as e:
        raise ValidationError([Problem("file", None, None, None,
                                       f"not a readable .qdpx (zip) file ({e})", src)]) from None
    with z:
        names = {n.lower(): n for n in z.namelist()}
        if "project.qde" not in names:
            raise ValidationError([Problem("file", None, None, None,
                                           "a .qdpx must hold project.qde", src)])
        root = _parse_xml(_member(z, names["project.qde"], src), f"{src} [project.qde]")
        q = f"{{{QDE_NAMESPACE}}}"
        if root.tag != q + "Project":
            raise ValidationError([Problem("project.qde", None, "root element", root.tag,
                                           f"expected Project in namespace {QDE_NAMESPACE}",
                                           src)])
        cb = root.find(q + "CodeBook")
        code_rows, code_by_guid, problems = _read_codes(
            cb.find(q + "Codes") if cb is not None else None, q, codebook,
            "Project/CodeBook/Codes", src)
        users: dict[str, str] = {}
        for i, u in enumerate(root.findall(f"{q}Users/{q}User"), start=1):
            name = u.get("name") or u.get("id")
            if not u.get("guid") or not name:
                problems.append(Problem("project.qde", None, f"Users/User[{i}]", None,
                                        "a User needs a guid and a name (the coder)", src))
                continue
            users[_norm_guid(u.get("guid"))] = name.strip()
        iv = interviews.reset_index(drop=True)
        iv_guid = {_guid("interview", i): i for i in iv["interview_id"]}
        iv_text = {" ".join(str(t).split()): i for i, t in zip(iv["interview_id"], iv["transcript"],
                                                              strict=True)}
        iv_segments = {i: [" ".join(s.split()) for _, _, s in segment_spans(str(t))]
                       for i, t in zip(iv["interview_id"], iv["transcript"], strict=True)}
        codings: dict[tuple, str] = {}
        for k, el in enumerate(root.findall(f"{q}Sources/{q}TextSource"), start=1):
            at = f"Sources/TextSource[{k}]"
            label = f"{at} ({el.get('name') or el.get('guid')})"
            text, bad = _source_text(el, q, z, names, label, src)
            if bad is not None:
                problems.append(bad)
                continue
            selections = el.findall(q + "PlainTextSelection")
            whole = el.findall(q + "Coding")
            if not selections and not whole:
                continue
            interview_id = _match_interview(el, q, text, iv, iv_guid, iv_text)
            if interview_id is None:
                problems.append(Problem("project.qde", None, label, el.get("name"),
                                        "matches no interview of the store: name the source "
                                        "after an interview_id, or import the interview first",
                                        src))
                continue
            spans = segment_spans(text)
            if [s for _, _, s in spans] != iv_segments[interview_id]:
                problems.append(Problem("project.qde", None, label, interview_id,
                                        "the source's paragraphs differ from the segments of "
                                        "this interview's transcript; codings cannot be placed",
                                        src))
                continue
            if whole:
                problems.append(Problem("project.qde", None, f"{label}/Coding", None,
                                        "a coding of the whole source cannot be placed on "
                                        "segments; code a selection instead", src))
            for j, sel in enumerate(selections, start=1):
                where = f"{label}/PlainTextSelection[{j}]"
                try:
                    a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
                except (TypeError, ValueError):
                    problems.append(Problem("project.qde", None, where, sel.get("startPosition"),
                                            "startPosition and endPosition must be whole "
                                            "numbers", src))
                    continue
                segs = [n for n, (s, e, _) in enumerate(spans, start=1) if s < max(b, a + 1)
                        and e > a]
                if not 0 <= a <= b <= len(text) or not segs:
                    problems.append(Problem("project.qde", None, where, f"{a}-{b}",
                                            f"lies outside the paragraphs of the text "
                                            f"({len(text)} characters)", src))
                    continue
                d = sel.find(q + "Description")
                tag = _SEL_TAG.search((d.text or "") if d is not None else "")
                kit_ids = tag.group("ids").split(",") if tag else []
                cods = sel.findall(q + "Coding")
                if len(kit_ids) != len(cods) or len(segs) != 1:
                    kit_ids = []
                for n, c in enumerate(cods, start=1):
                    cw = f"{where}/Coding[{n}]"
                    ref = c.find(q + "CodeRef")
                    target = _norm_guid(ref.get("targetGUID", "")) if ref is not None else ""
                    code_id = code_by_guid.get(target)
                    if code_id is None:
                        problems.append(Problem("project.qde", None, cw, target or None,
                                                "refers to no Code of the CodeBook", src))
                        continue
                    ug = c.get("creatingUser") or sel.get("creatingUser")
                    coder = users.get(_norm_guid(ug)) if ug else None
                    if coder is None:
                        problems.append(Problem("project.qde", None, cw, ug,
                                                "names no User: the coder must be a User of "
                                                "the project (creatingUser)", src))
                        continue
                    for seg in segs:
                        key = (interview_id, seg, code_id, coder)
                        if key in codings:
                            continue
                        cid = (kit_ids[n - 1] if kit_ids else
                               f"qdpx:{_norm_guid(c.get('guid', ''))}"
                               + (f":{seg}" if len(segs) > 1 else ""))
                        codings[key] = cid
    if problems:
        raise ValidationError(problems, f"REFI-QDA project {p.name}")
    coding = pd.DataFrame([{"coding_id": cid, "interview_id": k[0], "segment": k[1],
                            "code_id": k[2], "coder": k[3]} for k, cid in codings.items()],
                          columns=["coding_id", "interview_id", "segment", "code_id", "coder"])
    code = pd.DataFrame(code_rows, columns=["code_id", "codebook", "label", "description",
                                            "parent_id"], dtype=object)
    return {"code": code, "coding": coding}


def _new_rows(store: object, table: str, df: pd.DataFrame, source: str
              ) -> tuple[pd.DataFrame, list[Problem]]:
    """Rows whose key is not in the store; a key in the store with other content is a problem."""
    from .schema import TABLES

    spec = TABLES[table]
    key = spec.key[0]
    have = store.read(table)
    if not len(have) or not len(df):
        return df, []
    have = have.set_index(key)
    problems = []
    keep = []
    for i, r in enumerate(df.itertuples(index=False), start=1):
        k = getattr(r, key)
        if k not in have.index:
            keep.append(i - 1)
            continue
        old = have.loc[k]
        for c in spec.column_names:
            if c == key:
                continue
            a, b = getattr(r, c), old[c]
            if (pd.isna(a) and pd.isna(b)) or str(a) == str(b):
                continue
            problems.append(Problem(table, i, c, a, f"{key} {k!r} is in the store with "
                                    f"{c} {b!r}", source))
            break
    return df.iloc[keep], problems


def import_qda(store: object, path: str | os.PathLike, *, codebook: str = "imported"
               ) -> dict[str, int]:
    """Import a REFI-QDA project (``.qdpx``) or codebook (``.qdc``) into a store, all or nothing.

    A ``.qdc`` adds its codes. A ``.qdpx`` adds its codes and the codings of
    the interviews already in the store (see :func:`read_qdpx`). Codes and
    codings already in the store with the same content are left as they are.

    Returns
    -------
    dict
        Rows added per table.

    Raises
    ------
    ValidationError
        Every problem with the element where it is; nothing is stored.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".qdc":
        frames = {"code": read_qdc(p, codebook=codebook)}
    elif suffix == ".qdpx":
        interviews = store.read("interview")
        try:
            frames = read_qdpx(p, interviews, codebook=codebook)
        except ValidationError as first:
            # a pseudonymised export holds the transcripts with names masked: match those
            from .privacy import mask_names_in_text

            masked = mask_names_in_text({"interview": interviews}, store.read("member"),
                                        store.read("consent"))["interview"]
            try:
                frames = read_qdpx(p, masked, codebook=codebook)
            except ValidationError:
                raise first from None
    else:
        raise UsageError(f"{p.name}: a REFI-QDA file ends in .qdpx (project) or .qdc (codebook)")
    problems: list[Problem] = []
    batch = {}
    for t, df in frames.items():
        batch[t], bad = _new_rows(store, t, df, str(p))
        problems += bad
    if "coding" in batch and len(batch["coding"]):  # the same coding under another id
        cols = ["interview_id", "segment", "code_id", "coder"]
        have = store.read("coding")[cols].astype(str)
        known = set(map(tuple, have.to_numpy()))
        new = batch["coding"]
        keep = [tuple(map(str, r)) not in known for r in new[cols].to_numpy()]
        batch["coding"] = new[keep]
    if problems:
        raise ValidationError(problems, f"REFI-QDA file {p.name}")
    batch = {t: df for t, df in batch.items() if len(df)}
    if not batch:
        return {t: 0 for t in frames}
    counts = store.write(batch, source=str(p), audit="import")
    return {t: counts.get(t, 0) for t in frames}
