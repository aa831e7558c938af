"""Read and check one instrument file: YAML with line numbers, every problem at once.

The file side of :mod:`cocope_kit.instruments`, which describes the format.
:func:`check_file` reads the bytes, decodes UTF-8, parses the YAML (libyaml when
available, with a nesting limit that both loaders honour) into plain data while
recording the line of every field, and checks that data against the instrument
format. It returns the data and **every** problem found, each naming the file,
the line, the dotted path of the field (``items[3].scale``; list positions count
from 0), the value as written and what is allowed.
:func:`cocope_kit.instruments.load_instrument` turns a file without problems
into an :class:`~cocope_kit.instruments.Instrument`.

Examples
--------
>>> import tempfile, pathlib
>>> from cocope_kit.instrument_file import check_file
>>> path = pathlib.Path(tempfile.mkdtemp()) / "mini.yaml"
>>> _ = path.write_text('id: mini\\nversion: "1"\\ntitle: {de: Mini}\\n', encoding="utf-8")
>>> data, problems = check_file(path)
>>> data["title"]
{'de': 'Mini'}
>>> for p in problems:
...     print(p.row, p.column, "|", p.allowed.split(";")[0])
1 scales | required key 'scales' is missing
1 items | required key 'items' is missing
3 title.en | English (en) is required
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

__all__ = ["AUDIENCES", "MAX_NESTING", "SCALE_TYPES", "check_file"]

#: Allowed values of an item's ``audience`` list.
AUDIENCES: tuple[str, ...] = ("all", "professional", "student", "family")

#: Allowed values of a scale's ``type``.
SCALE_TYPES: tuple[str, ...] = ("ordinal", "text")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_LANG_RE = re.compile(r"^[a-z]{2}$")

_TOP_KEYS = (
    "id",
    "version",
    "title",
    "easy_read_title",
    "description",
    "constructs",
    "scales",
    "items",
)
_TOP_REQUIRED = ("id", "version", "title", "scales", "items")
_SCALE_KEYS = ("values", "labels", "easy_read_labels", "dont_know", "type")
_CONSTRUCT_KEYS = ("label", "description")
_ITEM_KEYS = (
    "id",
    "text",
    "easy_read",
    "construct",
    "scale",
    "reverse",
    "audience",
    "required",
)
_ITEM_REQUIRED = ("id", "text", "construct", "scale", "reverse", "audience")

_EXAMPLES = {
    "id": "id: my_instrument (the file name without .yaml)",
    "version": 'version: "1.0"',
    "title": "title: {en: My questionnaire}",
    "scales": "scales: {agree5: {values: [1, 2, 3, 4, 5], labels: {en: [...]}}}",
    "items": "items: [{id: q1, text: {en: ...}, construct: ..., scale: ..., reverse: false, "
    "audience: [all]}]",
    "values": "values: [1, 2, 3, 4, 5], or values: [] with type: text",
    "label": "label: {en: Trust}",
    "text": "text: {en: ...}",
    "construct": "construct: trust",
    "scale": "scale: agree5 (a scale defined under 'scales')",
    "reverse": "reverse: false",
    "audience": "audience: [all]",
}

# libyaml's parser when available: much faster, and linear on deeply nested input
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# An instrument is at most five levels deep (items -> item -> text -> language); anything
# nested deeper than this is not an instrument. Checked on the parser's event stream, which
# both loaders produce without recursion, so the C and the pure-Python loader report the same
# line; composing such input would hit Python's recursion limit in the pure-Python composer.
MAX_NESTING = 32
_TOO_DEEP = (
    f"the file is nested more than {MAX_NESTING} levels deep here; an instrument nests at "
    "most a few levels (items, an item, its text in each language)"
)

_TEXT_HINT = "quote it if it looks like a number, yes/no, a date or is empty"


def check_file(path: Path) -> tuple[Any, list[Problem]]:
    """Read, parse and check one instrument file.

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    (data, problems)
        ``data`` is the parsed file (``None`` when it could not be read or
        parsed); ``problems`` lists every problem found, in the order found,
        empty for a valid file. Each problem's table is the file name without
        its suffix and its source is the path.
    """
    table = path.stem or "instrument"
    source = str(path)
    problems: list[Problem] = []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        problems.append(
            Problem(
                table, None, None, None, f"cannot read the file ({reason}); check the path", source
            )
        )
        return None, problems
    text = _decode(raw, table, source, problems)
    data, lines = _parse(text, table, source, problems)
    if data is None and problems:  # not YAML; a file that is just "null" is checked below
        return None, problems
    _Checker(table, source, lines, problems).check(data)
    return data, problems


def _decode(raw: bytes, table: str, source: str, problems: list[Problem]) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    bad_lines: dict[int, bytes] = {}
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_lines[number] = line[exc.start : exc.end]
    for line, chunk in bad_lines.items():
        problems.append(
            Problem(
                table,
                line,
                None,
                chunk,
                "the file must be UTF-8 text (this looks like another encoding, "
                "e.g. Windows-1252); save it again as UTF-8",
                source,
            )
        )
    return raw.decode("utf-8", errors="replace")


def _parse(
    text: str, table: str, source: str, problems: list[Problem]
) -> tuple[Any, dict[str, int]]:
    """Parse YAML into plain data plus a map from dotted path to line number."""

    def add(line: int | None, allowed: str) -> None:
        problems.append(Problem(table, line, None, None, allowed, source))

    try:
        deep_line = _too_deep(text)
        if deep_line is not None:
            add(deep_line, _TOO_DEEP)
            return None, {}
        root = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(s) for s in (exc.context, exc.problem) if s)
        if "nesting depth" in what:  # libyaml's own limit, met while it scans ahead
            add(mark.line + 1 if mark else None, _TOO_DEEP)
            return None, {}
        add(
            mark.line + 1 if mark else None,
            f"the file is not valid YAML ({what}); check indentation, colons and quotes",
        )
        return None, {}
    except yaml.YAMLError as exc:
        line = None
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            line = text.count("\n", 0, position) + 1
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        add(line, f"the file is not valid YAML ({reason}); remove special characters")
        return None, {}
    except RecursionError:
        add(None, "the file is nested too deeply to be an instrument")
        return None, {}
    if root is None:
        add(None, "the file is empty; an instrument needs id, version, title, scales and items")
        return None, {}
    builder = _NodeReader(table, source, problems)
    try:
        data = builder.read(root, "")
    except RecursionError:
        add(None, "the file is nested too deeply to be an instrument")
        return None, {}
    return data, builder.lines


def _too_deep(text: str) -> int | None:
    """The line (1-based) where the YAML first nests deeper than MAX_NESTING, else None."""
    depth = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                return event.start_mark.line + 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


class _NodeReader:
    """Turn a composed YAML node tree into Python data, recording line numbers.

    Mapping keys are kept as written (``no:`` stays ``'no'``); duplicate keys,
    non-text keys, aliases and unusual tags are reported as problems.
    """

    _MAP = "tag:yaml.org,2002:map"
    _SEQ = "tag:yaml.org,2002:seq"

    def __init__(self, table: str, source: str, problems: list[Problem]):
        self.table, self.source, self.problems = table, source, problems
        self.lines: dict[str, int] = {}
        self.seen: set[int] = set()
        self.constructor = yaml.SafeLoader("")

    def add(self, node: yaml.Node, path: str, value: object, allowed: str) -> None:
        self.problems.append(
            Problem(self.table, node.start_mark.line + 1, path or None, value, allowed, self.source)
        )

    def read(self, node: yaml.Node, path: str) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self.seen:
            self.problems.append(
                Problem(
                    self.table,
                    self.lines[path],
                    path or None,
                    None,
                    "anchors and aliases (&name, *name) are not supported; write the value out",
                    self.source,
                )
            )
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            if node.tag != self._MAP:
                self.add(node, path, node.tag, "only plain mappings are supported; remove the tag")
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.add(key_node, path, None, "keys must be plain words")
                    continue
                key = key_node.value
                child = f"{path}.{key}" if path else key
                if key in out:
                    self.add(
                        key_node,
                        child,
                        key,
                        f"duplicate key; it already appears on line {self.lines[child]}",
                    )
                    continue
                self.lines[child] = key_node.start_mark.line + 1
                out[key] = self.read(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != self._SEQ:
                self.add(node, path, node.tag, "only plain lists are supported; remove the tag")
            return [self.read(n, f"{path}[{i}]") for i, n in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception as exc:  # any construction failure of a scalar is a problem of the file
            self.add(node, path, node.value, f"cannot read this value ({exc}); quote it as text")
            return None


# --------------------------------------------------------------------------- checking


def _parent(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path.rpartition(".")[0]


class _Checker:
    def __init__(self, table: str, source: str, lines: dict[str, int], problems: list[Problem]):
        self.table, self.source, self.lines, self.problems = table, source, lines, problems

    # helpers ---------------------------------------------------------------
    def line(self, path: str) -> int | None:
        p = path
        while p:
            if p in self.lines:
                return self.lines[p]
            p = _parent(p)
        return self.lines.get("")

    def add(self, path: str, value: object, allowed: str) -> None:
        self.problems.append(
            Problem(self.table, self.line(path), path or None, value, allowed, self.source)
        )

    def mapping(
        self, path: str, value: object, keys: Iterable[str], required: Iterable[str], what: str
    ) -> dict | None:
        """Check that ``value`` is a mapping with known keys and all required keys."""
        if not isinstance(value, dict):
            self.add(path, value, f"{what}: a mapping of {', '.join(keys)}")
            return None
        keys = tuple(keys)
        for k in value:
            if k not in keys:
                hint = difflib.get_close_matches(k, keys, n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                self.add(
                    f"{path}.{k}" if path else k,
                    k,
                    f"unknown key{extra}; allowed keys here: {', '.join(keys)}",
                )
        for k in required:
            if k not in value:
                self.add(
                    f"{path}.{k}" if path else k,
                    None,
                    f"required key {k!r} is missing; add it, e.g. {_EXAMPLES[k]}",
                )
        return value

    def name(self, path: str, value: object, what: str, pattern: re.Pattern = _NAME_RE) -> bool:
        if isinstance(value, str) and pattern.match(value):
            return True
        rule = (
            "lowercase letters, digits and _, starting with a letter"
            if pattern is _ID_RE
            else "letters, digits and _, starting with a letter"
        )
        self.add(path, value, f"{what}: {rule}")
        return False

    def text(self, path: str, value: object) -> bool:
        if isinstance(value, str) and value.strip():
            return True
        self.add(path, value, f"non-empty text; {_TEXT_HINT}")
        return False

    def lang_code(self, path: str, code: str) -> bool:
        if _LANG_RE.match(code):
            return True
        self.add(path, code, "a language code of two lowercase letters (en, de, nl, pt, sk, ...)")
        return False

    def lang_texts(self, path: str, value: object) -> None:
        """A mapping language -> text with English present."""
        if not isinstance(value, dict):
            hint = " (write it as en: <text>)" if isinstance(value, str) else ""
            self.add(path, value, f"a mapping from language code to text{hint}, e.g. {{en: ...}}")
            return
        for code, text in value.items():
            if self.lang_code(f"{path}.{code}", code):
                self.text(f"{path}.{code}", text)
        if "en" not in value:
            self.add(
                f"{path}.en", None, "English (en) is required; other languages fall back to it"
            )

    def boolean(self, path: str, value: object) -> None:
        if not isinstance(value, bool):
            self.add(path, value, "true or false")

    # the file --------------------------------------------------------------
    def check(self, data: object) -> None:
        doc = self.mapping("", data, _TOP_KEYS, _TOP_REQUIRED, "an instrument file")
        if doc is None:
            return
        if "id" in doc and self.name("id", doc["id"], "the instrument id", _ID_RE):
            if doc["id"] != self.table:
                self.add(
                    "id",
                    doc["id"],
                    f"the file name without .yaml ({self.table!r}); "
                    "rename the file or change the id",
                )
        if "version" in doc:
            v = doc["version"]
            if not (isinstance(v, str) and v.strip()):
                self.add("version", v, 'non-empty text; quote it, e.g. version: "1.0"')
        if "title" in doc:
            self.lang_texts("title", doc["title"])
        if "easy_read_title" in doc:
            self.lang_texts("easy_read_title", doc["easy_read_title"])
        if "description" in doc:
            self.lang_texts("description", doc["description"])
        constructs = None
        if "constructs" in doc:
            constructs = self.check_constructs(doc["constructs"])
        scales = self.check_scales(doc["scales"]) if "scales" in doc else None
        if "items" in doc:
            self.check_items(doc["items"], scales, constructs)

    def check_constructs(self, value: object) -> set[str] | None:
        if not isinstance(value, dict) or not value:
            self.add(
                "constructs",
                value,
                "a mapping of construct id -> {label: {en: ...}, description: {en: ...}}",
            )
            return None
        for cid, spec in value.items():
            path = f"constructs.{cid}"
            self.name(path, cid, "a construct id")
            spec = self.mapping(path, spec, _CONSTRUCT_KEYS, ("label",), f"construct {cid!r}")
            if spec is None:
                continue
            if "label" in spec:
                self.lang_texts(f"{path}.label", spec["label"])
            if "description" in spec:
                self.lang_texts(f"{path}.description", spec["description"])
        return set(value)

    def check_scales(self, value: object) -> dict[str, str] | None:
        """Returns scale id -> type for scales whose type could be read."""
        if not isinstance(value, dict) or not value:
            self.add(
                "scales", value, "a mapping of scale id -> {values: [...], labels: {en: [...]}}"
            )
            return None
        types: dict[str, str] = {}
        for sid, spec in value.items():
            path = f"scales.{sid}"
            self.name(path, sid, "a scale id")
            spec = self.mapping(path, spec, _SCALE_KEYS, ("values",), f"scale {sid!r}")
            if spec is None:
                types[sid] = "?"
                continue
            stype = spec.get("type", "ordinal")
            if stype not in SCALE_TYPES:
                self.add(f"{path}.type", stype, f"one of: {', '.join(SCALE_TYPES)}")
                stype = "?"
            types[sid] = stype
            if "dont_know" in spec:
                self.boolean(f"{path}.dont_know", spec["dont_know"])
            n = self.check_values(f"{path}.values", spec.get("values"), stype)
            if "easy_read_labels" in spec:
                self.check_easy_read_labels(
                    f"{path}.easy_read_labels", spec["easy_read_labels"], n, stype
                )
            if "labels" in spec:
                self.check_labels(f"{path}.labels", spec["labels"], n, stype)
            elif stype == "ordinal":
                self.add(
                    f"{path}.labels",
                    None,
                    "required key 'labels' is missing: give {en: [one label per value]}",
                )
        return types

    def check_values(self, path: str, values: object, stype: str) -> int | None:
        if not isinstance(values, list):
            if path in self.lines:  # present but wrong
                self.add(path, values, "a list of numbers in ascending order, e.g. [1, 2, 3, 4, 5]")
            return None
        if stype == "?":  # unknown type, already reported
            return len(values)
        if stype == "text":
            if values:
                self.add(path, values, "[] (a free-text scale has no values)")
            return 0
        ok = True
        for i, v in enumerate(values):
            if not _finite_number(v):
                self.add(f"{path}[{i}]", v, "a number")
                ok = False
        if not ok:
            return len(values)
        if len(values) < 2:
            self.add(
                path,
                values,
                "at least two values; for a free-text scale write type: text and values: []",
            )
        elif any(b <= a for a, b in zip(values, values[1:], strict=False)):
            self.add(path, values, "values in strictly ascending order, e.g. [1, 2, 3, 4, 5]")
        return len(values)

    def check_labels(self, path: str, labels: object, n: int | None, stype: str) -> None:
        if not isinstance(labels, dict):
            self.add(
                path,
                labels,
                "a mapping from language code to a list of labels, e.g. {en: [Disagree, Agree]}",
            )
            return
        for code, lst in labels.items():
            lpath = f"{path}.{code}"
            self.lang_code(lpath, code)
            if not isinstance(lst, list):
                self.add(lpath, lst, "a list of labels, one per value")
                continue
            for i, lab in enumerate(lst):
                self.text(f"{lpath}[{i}]", lab)
            if n is not None and len(lst) != n:
                self.add(lpath, f"{len(lst)} labels", f"{n} labels, one per value in 'values'")
        if stype == "ordinal" and "en" not in labels:
            self.add(
                f"{path}.en",
                None,
                "English (en) labels are required; other languages fall back to them",
            )

    def check_easy_read_labels(
        self, path: str, labels: object, n: int | None, stype: str
    ) -> None:
        """Plain labels for students: like ``labels``, English required when present."""
        if stype == "text":
            self.add(path, labels, "no easy_read_labels: a free-text scale has no labels")
            return
        if not isinstance(labels, dict) or not labels:
            self.add(
                path,
                labels,
                "a mapping from language code to a list of plain labels, one per value, "
                "e.g. {en: [No, Yes]}",
            )
            return
        self.check_labels(path, labels, n, stype)

    def check_items(
        self, value: object, scales: dict[str, str] | None, constructs: set[str] | None
    ) -> None:
        if not isinstance(value, list) or not value:
            self.add("items", value, "a non-empty list of items")
            return
        first_seen: dict[str, int] = {}
        for i, spec in enumerate(value):
            path = f"items[{i}]"
            spec = self.mapping(path, spec, _ITEM_KEYS, _ITEM_REQUIRED, f"item {i}")
            if spec is None:
                continue
            iid = spec.get("id")
            if "id" in spec and self.name(f"{path}.id", iid, "an item id"):
                if iid in first_seen:
                    j = first_seen[iid]
                    self.add(
                        f"{path}.id",
                        iid,
                        f"item ids must be unique; {iid!r} is already "
                        f"used by items[{j}] (line {self.line(f'items[{j}].id')})",
                    )
                else:
                    first_seen[iid] = i
            if "text" in spec:
                self.lang_texts(f"{path}.text", spec["text"])
            if "easy_read" in spec:
                self.lang_texts(f"{path}.easy_read", spec["easy_read"])
            if "construct" in spec:
                c = spec["construct"]
                if self.name(f"{path}.construct", c, "a construct id") and constructs is not None:
                    if c not in constructs:
                        self.add(
                            f"{path}.construct",
                            c,
                            "one of the constructs declared under "
                            f"'constructs': {', '.join(sorted(constructs))}",
                        )
            stype = None
            if "scale" in spec:
                s = spec["scale"]
                if isinstance(s, str) and scales is not None and s in scales:
                    stype = scales[s]
                elif scales is not None:
                    self.add(
                        f"{path}.scale",
                        s,
                        "one of the scales defined under 'scales': "
                        f"{', '.join(sorted(str(k) for k in scales))}",
                    )
                elif not isinstance(s, str):
                    self.add(f"{path}.scale", s, "a scale id")
            if "reverse" in spec:
                self.boolean(f"{path}.reverse", spec["reverse"])
                if spec["reverse"] is True and stype == "text":
                    self.add(
                        f"{path}.reverse", True, "false: free-text items cannot be reverse-keyed"
                    )
            if "required" in spec:
                self.boolean(f"{path}.required", spec["required"])
            if "audience" in spec:
                self.check_audience(f"{path}.audience", spec["audience"])

    def check_audience(self, path: str, value: object) -> None:
        allowed = f"a non-empty list of: {', '.join(AUDIENCES)}, e.g. [all]"
        if not isinstance(value, list) or not value:
            self.add(path, value, allowed)
            return
        seen = set()
        for j, a in enumerate(value):
            if not isinstance(a, str) or a not in AUDIENCES:
                self.add(f"{path}[{j}]", a, f"one of: {', '.join(AUDIENCES)}")
            elif a in seen:
                self.add(f"{path}[{j}]", a, "each audience once")
            else:
                seen.add(a)


def _finite_number(v: object) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:
        return False
