"""Survey rows checked against their instrument, wherever they enter the store.

:func:`cocope_kit.store_checks.cross_table_problems` calls
:func:`instrument_problems` for every batch with ``response`` or ``answer``
rows, so the checks hold for :meth:`Store.write <cocope_kit.store.Store.write>`,
``insert``, ``update``, ``cocope import``, ``cocope import-survey``,
``cocope merge``, the notebook forms and the participant form server alike:

* **the instrument exists**: ``response.instrument_id`` names an instrument
  of :func:`cocope_kit.instruments.list_instruments` or one loaded from a
  project's own file (:func:`known_instruments`; a misspelling gets the
  nearest id as a hint) and ``instrument_version`` is that file's version;
* **the item belongs to the instrument** of its response (nearest item id as a
  hint);
* **the value is on the item's scale**: one of the scale's values (``7`` and
  ``2.5`` are refused on a 1-5 scale); free-text items take a text, no value;
  ``dont_know`` only on scales that offer "don't know";
* **one spelling per wave**: wave labels are free (``pre``, ``post``,
  ``2027-spring``), and the CoP has no list of declared waves, so a wave that
  differs only in case or spaces from a wave already in the store (responses,
  pair ratings) or earlier in the batch is refused, with the stored spelling
  as the hint (``Post`` when ``post`` exists); so is a wave with spaces around it.

Rows of the store itself are not checked again (an older store may hold
answers to an instrument this kit no longer ships).

Examples
--------
>>> import cocope_kit as ck
>>> store = ck.open_store(":memory:")
>>> _ = store.insert("cop", {"cop_id": "be-1", "name": "n", "school": "s", "country": "BE",
...                          "language": "nl", "created_on": "2026-01-12"})
>>> store.insert("response", {"response_id": "r1", "cop_id": "be-1",
...     "instrument_id": "cop_climat", "instrument_version": "1.0", "respondent_id": "x",
...     "wave": "pre", "language": "nl", "submitted_at": "2026-02-02T10:00:00Z"})
Traceback (most recent call last):
...
cocope_kit.errors.ValidationError: 1 problem in table 'response':
  - response row 1, column 'instrument_id': 'cop_climat' is not allowed; no instrument has this id (did you mean 'cop_climate'?); instruments: ...
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from .answer_status import DONT_KNOW
from .errors import CocopeError, Problem

__all__ = ["instrument_problems", "wave_problems", "known_instruments", "stored_spelling"]


def known_instruments() -> dict[str, object]:
    """The instruments answers may belong to, by id: the shipped ones, then those loaded
    from a project's own file in this session (:func:`~cocope_kit.instruments.loaded_from_files`).
    """
    from .instruments import list_instruments, load_instrument, loaded_from_files

    out = {}
    for iid in list_instruments():
        try:
            out[iid] = load_instrument(iid)
        except CocopeError:
            continue
    for iid, inst in loaded_from_files().items():
        out.setdefault(iid, inst)
    return out


def _hint(value: object, choices) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(str(value).strip().lower(),
                                          [str(c).lower() for c in choices], n=1, cutoff=0.6)
        close = [c for c in choices if str(c).lower() in close][:1]
    return f" (did you mean {close[0]!r}?)" if close else ""


def _cell(raw: pd.DataFrame | None, typed: pd.DataFrame, column: str, pos: int):
    if raw is not None and column in raw.columns:
        return raw[column].iloc[pos]
    return typed[column].iloc[pos]


def _off_scale(sc, item_id: str) -> str:
    if not len(sc.values):
        return f"item {item_id} is a free-text item: its answer goes in 'text', the value stays blank"
    allowed = ", ".join(_num(x) for x in sc.values)
    return (f"not on the scale {sc.id} of item {item_id}: one of {allowed}"
            + (", or blank with status dont_know" if sc.dont_know else "")
            + " (blank with status not_answered when left out)")


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def instrument_problems(store, typed: Mapping[str, pd.DataFrame],
                        raw: Mapping[str, pd.DataFrame],
                        row_number: Callable[[str, int], int],
                        source: str | None = None) -> list[Problem]:
    """Problems of ``response`` and ``answer`` rows against their instruments.

    Parameters are those of :func:`cocope_kit.store_checks.cross_table_problems`.

    Returns
    -------
    list of Problem
    """
    insts = known_instruments()
    out: list[Problem] = []
    resp_inst: dict[str, str] = {}
    resp = typed.get("response")
    if resp is not None and len(resp):
        ids = resp["instrument_id"].astype(object).to_numpy()
        vers = resp["instrument_version"].astype(object).to_numpy()
        for pos, (iid, ver) in enumerate(zip(ids, vers, strict=True)):
            inst = insts.get(iid)
            if inst is None:
                out.append(Problem(
                    "response", row_number("response", pos), "instrument_id",
                    _cell(raw.get("response"), resp, "instrument_id", pos),
                    f"no instrument has this id{_hint(iid, insts)}; instruments: "
                    f"{', '.join(insts)}", source))
                continue
            if str(ver) != str(inst.version):
                out.append(Problem(
                    "response", row_number("response", pos), "instrument_version",
                    _cell(raw.get("response"), resp, "instrument_version", pos),
                    f"instrument {iid} has version {inst.version} in this kit; answers are "
                    f"checked against its items, so the version must be {inst.version}",
                    source))
        resp_inst.update(zip(resp["response_id"].astype(object), ids, strict=True))
    ans = typed.get("answer")
    if ans is None or not len(ans):
        return out
    missing = [r for r in pd.unique(ans["response_id"].astype(object)) if r not in resp_inst]
    if missing:
        stored = store.read("response", where={"response_id": missing})
        resp_inst.update(zip(stored["response_id"].astype(object),
                             stored["instrument_id"].astype(object), strict=True))
    inst_of = ans["response_id"].astype(object).map(resp_inst).to_numpy(dtype=object)
    items = ans["item_id"].astype(object).to_numpy(dtype=object)
    value = ans["value"].astype(float).to_numpy()
    status = ans["status"].astype(object).to_numpy(dtype=object)
    rawa = raw.get("answer")
    for iid in pd.unique(pd.Series(inst_of).dropna()):
        inst = insts.get(iid)
        if inst is None:
            continue  # reported on the response (or an older stored response: not rechecked)
        rows = np.flatnonzero(inst_of == iid)
        by_id = {it.id: it for it in inst.items}
        its = pd.Series(items[rows])
        known = its.isin(list(by_id)).to_numpy()
        for pos in rows[~known]:
            out.append(Problem(
                "answer", row_number("answer", pos), "item_id", _cell(rawa, ans, "item_id", pos),
                f"instrument {iid} {inst.version} has no such item{_hint(items[pos], by_id)}",
                source))
        scale_of = its.map({k: it.scale for k, it in by_id.items()}).to_numpy(dtype=object)
        for sid, sc in inst.scales.items():
            on = rows[known & (scale_of == sid)]
            if not len(on):
                continue
            v = value[on]
            if not len(sc.values):  # free text: the answer is in 'text'
                bad_v = ~np.isnan(v)
            else:
                bad_v = ~np.isnan(v) & ~np.isin(v, np.asarray(sc.values, dtype=float))
            for pos in on[bad_v]:
                out.append(Problem("answer", row_number("answer", pos), "value",
                                   _cell(rawa, ans, "value", pos), _off_scale(sc, items[pos]),
                                   source))
            if not sc.dont_know:
                for pos in on[status[on] == DONT_KNOW]:
                    written = _cell(rawa, ans, "status", pos) if rawa is not None and \
                        "status" in rawa.columns else DONT_KNOW
                    out.append(Problem(
                        "answer", row_number("answer", pos), "status", written,
                        f"scale {sc.id} of item {items[pos]} offers no \"don't know\"; "
                        "answered or not_answered", source))
    return out


def _norm_wave(w: object) -> str:
    return " ".join(str(w).split()).casefold()


def _stored_waves(store) -> dict[str, str]:
    known: dict[str, str] = {}
    for t in ("response", "pair_rating"):
        for w in store._distinct(t, "wave") if hasattr(store, "_distinct") else \
                pd.unique(store.read(t)["wave"].dropna()):
            known.setdefault(_norm_wave(w), str(w))
    return known


def stored_spelling(store, wave: str) -> str | None:
    """The spelling a wave already has in the store when ``wave`` differs from it only in
    case or spaces (``None`` when the wave is new or spelt the same).

    >>> import cocope_kit as ck
    >>> stored_spelling(ck.open_store(":memory:"), "Post") is None
    True
    """
    first = _stored_waves(store).get(_norm_wave(wave))
    return first if first is not None and first != wave else None


def wave_problems(store, typed: Mapping[str, pd.DataFrame], raw: Mapping[str, pd.DataFrame],
                  row_number: Callable[[str, int], int],
                  source: str | None = None) -> list[Problem]:
    """Waves with spaces around them, or spelt differently from a wave already used.

    Returns
    -------
    list of Problem
    """
    tables = [t for t in ("response", "pair_rating") if t in typed and len(typed[t])]
    if not tables:
        return []
    known = _stored_waves(store)
    out: list[Problem] = []
    for t in tables:
        df = typed[t]
        waves = df["wave"].astype(object)
        # each distinct spelling once: a batch holds few waves and many rows
        for w in pd.unique(waves.dropna()):
            w = str(w)
            first = None
            if w != w.strip() or "  " in w:
                why = (f"a wave label without spaces around it (or doubled inside), "
                       f"e.g. {' '.join(w.split())!r}")
            else:
                first = known.setdefault(_norm_wave(w), w)
                if first == w:
                    continue
                why = (f"this wave is already spelt {first!r} in the store (or earlier in this "
                       f"batch); one spelling per wave, so {first!r} and this one do not split "
                       "into two waves")
            for pos in np.flatnonzero((waves == w).to_numpy(dtype=bool)):
                out.append(Problem(t, row_number(t, pos), "wave",
                                   _cell(raw.get(t), df, "wave", pos), why, source))
    return out
