"""Disclosure control: analysis tables in, publishable tables out (DESIGN section 7).

Every output declares its **audience**:

* ``"group"`` -- the CoP itself (the per-CoP report and notebook 04, shown in
  meeting 3). Members see their own CoP by pseudonym; consent decides who is
  in; nothing is suppressed against each other.
* ``"outside"`` -- readers outside the school (cross-CoP report, notebook 05,
  harvest, aggregate exports). No published number may reveal a cell built
  from fewer than ``k`` persons (default 5): not a table cell, share, rate,
  mean, chart bar, nor a difference or ratio of published numbers.

One :class:`Disclosure` object collects **every table one document will
publish** (tables of a report, the data behind its charts), each with the
columns that identify its cell and the columns that are statistics of that
cell. :meth:`Disclosure.publish` then suppresses across the whole document and
hands back the publishable tables; charts and templates draw from these only.

The rule (outside readers)
--------------------------
Cells are groups of persons of a declared *population* (for example the
consented members, by country > CoP and by role group; or the respondents of
one survey, by CoP and role group within a wave and construct). A cell's size
is the number of distinct persons in it, counted from the population, never
taken from the table.

1. **Primary suppression** (threshold rule, Hundepool et al. 2012, section
   5.2; sdcMicro/tau-argus "minimum frequency"): a cell with ``0 < n < k``
   persons is hidden in every table of the document that shows it, and so is
   every number computed from it: counts, sums, means, rates, and every share
   whose numerator or denominator is a hidden cell.
2. **Complementary (secondary) suppression** across the document
   (Hundepool et al. 2012, section 5.5; Cox 1980): the cells of a population
   form a hierarchical table whose margins add up (a CoP = the sum of its
   role groups, a country = the sum of its CoPs, all = the sum of the
   countries), whichever table publishes them. A hidden cell is *derivable*
   when it is a linear combination of published cells along these margins
   (solved exactly: a cell is determined iff its unit vector lies in the row
   space of the margin equations restricted to the unknown cells, tested on
   each connected group of unknown cells with a singular-value decomposition).
   While a small cell is derivable, the smallest published cell of one of its
   equations (preferring cells no coarser than it) is hidden too, and the test
   is repeated. Cells never published (and not derivable) count as unknown;
   cells with no person count as known zeros (conservative).

   Because a share is a count over a published total and a mean times its
   ``n`` is an additive sum, protecting the cells along the margins protects
   shares, rates and means computed from them as well.
3. Numbers that are not about persons (goal targets, plan steps, lessons) are
   declared ``public`` explicitly; a numeric column a table does not declare
   is an error, so nothing slips through undeclared.

The marker: a hidden number is ``NaN`` (shown as "–" in the report) and every
published table has a column ``suppressed``: ``""`` for a row shown in full,
``"small cell"`` (primary), ``"complementary"`` (secondary), or
``"columns hidden: a, b"`` when only numbers about another hidden cell in that
row (such as the students' share of a CoP) were blanked.

Limits (see docs/privacy.md): exact derivation is prevented, intervals are
not (a hidden cell of a CoP of 8 is known to lie between 0 and 8); outcome
categories within a cell (present or not, the level chosen) are statistics of
the cell, not cells of their own; microdata exports are a separate matter.

References
----------
Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt,
E., Spicer, K., & de Wolf, P.-P. (2012). *Statistical Disclosure Control*.
Wiley. Chapter 5 (frequency tables: threshold rule, secondary suppression,
auditing by linear programming).
Templ, M., Kowarik, A., & Meindl, B. (2015). Statistical disclosure control for
micro-data using the R package sdcMicro. *Journal of Statistical Software*, 67(4).
Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
*JASA*, 75(370), 377-385.

Examples
--------
A CoP of 8 with one student and two family members: the student and the family
cells are small; since the CoP total (8) is published, the professionals (5)
would be enough to work out students + families = 3, but not each one, so no
complementary cell is needed here (two hidden cells in the equation).

>>> import pandas as pd
>>> from cocope_kit.disclosure import Disclosure
>>> persons = pd.DataFrame({"member_id": list("abcdefgh"), "cop_id": "c",
...                         "role_group": ["professional"] * 5 + ["student"] + ["family"] * 2})
>>> d = Disclosure("outside", k=5)
>>> d.population("members", persons, hierarchy=[("cop_id",), ("role_group",)])
>>> rows = persons.groupby(["cop_id", "role_group"]).size().rename("n").reset_index()
>>> d.add("by_role", rows, population="members", by=["cop_id", "role_group"], values=["n"])
>>> d.add("total", pd.DataFrame({"cop_id": ["c"], "n": [8]}), population="members",
...       by=["cop_id"], values=["n"])
>>> out = d.publish()
>>> out["by_role"]
  cop_id    role_group    n  suppressed
0      c        family  NaN  small cell
1      c  professional  5.0
2      c       student  NaN  small cell
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import UsageError

__all__ = [
    "AUDIENCES",
    "DEFAULT_K",
    "MARK_COLUMN",
    "Disclosure",
    "DisclosureError",
    "derivable_cells",
]

AUDIENCES = ("group", "outside")
"""The two audiences of DESIGN section 7: the CoP itself, and readers outside the school."""

DEFAULT_K = 5
"""Smallest number of persons a published cell may be built from, for outside readers."""

MARK_COLUMN = "suppressed"
"""The flag column every published table gets (see the module docstring for its values)."""

SMALL, COMPLEMENTARY = "small cell", "complementary"
_ALL = "*"


class DisclosureError(UsageError):
    """A table was declared wrongly (unknown column, undeclared number, unknown population)."""


Key = tuple  # ((column, value), ...) in the population's canonical column order


@dataclass
class _Population:
    name: str
    hierarchy: tuple[tuple[str, ...], ...]
    fixed: tuple[str, ...]
    cells: dict[Key, int]
    coarser: dict[str, dict[object, tuple[tuple[str, object], ...]]]

    @property
    def order(self) -> tuple[str, ...]:
        return self.fixed + tuple(c for g in self.hierarchy for c in g)

    def group_of(self, col: str) -> int | None:
        for i, g in enumerate(self.hierarchy):
            if col in g:
                return i
        return None

    def key(self, values: Mapping[str, object]) -> Key:
        """Canonical key of a cell: the given columns plus the coarser levels they imply."""
        full = dict(values)
        for col, v in values.items():
            if col in self.coarser and v in self.coarser[col]:
                for c2, v2 in self.coarser[col][v]:
                    full.setdefault(c2, v2)
        return tuple((c, _norm(full[c])) for c in self.order if c in full)


@dataclass
class _Table:
    name: str
    df: pd.DataFrame
    population: str | None
    by: tuple[str, ...]
    values: tuple[str, ...]
    depends: dict[str, tuple[Mapping[str, object], ...]]
    counts: tuple[str, ...]
    public: tuple[str, ...]
    row_keys: list[Key | None] = field(default_factory=list)
    dep_keys: dict[str, list[list[Key]]] = field(default_factory=dict)


def _norm(v: object) -> object:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v


class Disclosure:
    """The disclosure-control step of one document (report, notebook, harvest, export).

    Parameters
    ----------
    audience : {"group", "outside"}
        Who reads the document (module docstring).
    k : int, default 5
        Smallest cell published for outside readers.
    register : DataFrame, optional
        :func:`cocope_kit.privacy.consent_register`; when given, a population
        holding anyone the consent rule leaves out is refused (the consent
        filter must come before the analysis, for both audiences).

    Examples
    --------
    See the module docstring.
    """

    def __init__(self, audience: str, k: int = DEFAULT_K, *,
                 register: pd.DataFrame | None = None) -> None:
        if audience not in AUDIENCES:
            raise DisclosureError(f"audience must be one of {', '.join(AUDIENCES)}, "
                                  f"got {audience!r}")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise DisclosureError(f"k must be a whole number of at least 1, got {k!r}")
        self.audience = audience
        self.k = int(k)
        self._excluded = (set() if register is None else
                          set(register.loc[~register["included"].astype(bool), "member_id"]))
        self._pops: dict[str, _Population] = {}
        self._tables: dict[str, _Table] = {}
        self._hidden: dict[tuple[str, Key], str] | None = None

    @property
    def populations(self) -> tuple[str, ...]:
        """Names of the populations declared so far."""
        return tuple(self._pops)

    @property
    def tables(self) -> tuple[str, ...]:
        """Names of the tables registered so far, in order."""
        return tuple(self._tables)

    # ------------------------------------------------------------------ declaring
    def population(self, name: str, persons: pd.DataFrame, *,
                   hierarchy: Sequence[Sequence[str]], fixed: Sequence[str] = (),
                   person: str = "member_id") -> None:
        """Declare the persons cells of ``name`` are built from.

        Parameters
        ----------
        name : str
            How tables refer to it.
        persons : DataFrame
            One row per person (and per combination of ``fixed``), with the
            column ``person`` and every column of ``hierarchy`` and ``fixed``.
        hierarchy : sequence of sequences of str
            Dimensions along which cells add up, each nested coarse to fine:
            ``[("country", "cop_id"), ("role_group",)]``.
        fixed : sequence of str
            Dimensions that never add up (a person is in every wave, every
            construct): cells are only compared within one value of them.
        person : str, default "member_id"
            The column that identifies a person.
        """
        hierarchy = tuple(tuple(g) for g in hierarchy)
        fixed = tuple(fixed)
        cols = list(dict.fromkeys([person, *fixed, *(c for g in hierarchy for c in g)]))
        missing = [c for c in cols if c not in persons.columns]
        if missing:
            raise DisclosureError(f"population {name!r}: persons lack the columns "
                                  f"{', '.join(missing)}")
        bad = sorted(set(persons[person].astype(str)) & {str(x) for x in self._excluded})
        if bad:
            raise DisclosureError(f"population {name!r} holds {len(bad)} person(s) the consent "
                                  "rule leaves out; filter the tables with "
                                  "privacy.filter_consented before the analysis")
        p = persons[cols].drop_duplicates()
        coarser: dict[str, dict[object, tuple[tuple[str, object], ...]]] = {}
        for g in hierarchy:
            for i, col in enumerate(g[1:], start=1):
                pairs = p[list(g[:i + 1])].drop_duplicates()
                coarser[col] = {_norm(r[-1]): tuple(zip(g[:i], map(_norm, r[:-1]), strict=True))
                                for r in pairs.itertuples(index=False, name=None)}
        cells: dict[Key, int] = {}
        levels = [range(len(g) + 1) for g in hierarchy]
        for combo in np.array(np.meshgrid(*levels, indexing="ij")).reshape(len(levels), -1).T \
                if levels else [()]:
            keycols = list(fixed) + [c for g, lv in zip(hierarchy, combo, strict=True)
                                     for c in g[:lv]]
            if keycols:
                counts = p.groupby(keycols, dropna=False)[person].nunique()
                for idx, n in counts.items():
                    idx = idx if isinstance(idx, tuple) else (idx,)
                    vals = dict(zip(keycols, map(_norm, idx), strict=True))
                    cells[tuple((c, vals[c]) for c in fixed + tuple(
                        c for g in hierarchy for c in g) if c in vals)] = int(n)
            else:
                cells[()] = int(p[person].nunique())
        self._pops[name] = _Population(name, hierarchy, fixed, cells, coarser)
        self._hidden = None

    def add(self, name: str, table: pd.DataFrame | None, *, population: str | None = None,
            by: Sequence[str] = (), values: Sequence[str] = (),
            depends: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
            counts: Sequence[str] = (), public: Sequence[str] = ()) -> None:
        """Register one table the document publishes (a table, or the data of a chart).

        Parameters
        ----------
        name : str
            Unique within the document; :meth:`publish` returns it under this name.
        table : DataFrame or None
            The analysis table (None or empty: nothing is published).
        population : str, optional
            The population its cells belong to (not needed when every number
            is ``public``).
        by : sequence of str
            Columns that identify each row's cell (columns of the population's
            hierarchy or fixed dimensions; columns not in the population, such
            as a CoP's name, may be listed too and are ignored, and so are
            columns the table does not have).
        values : sequence of str or "*"
            Numbers (or derived labels, such as a level) about the row's cell:
            counts, sums, means, rates, ...; ``"*"`` is every column not
            declared otherwise.
        depends : mapping of str to sequence of mappings, optional
            Numbers about *other* cells, each given as changes to the row's
            key: ``{"role_group": "student"}`` (the students of the row's CoP),
            ``{"role_group": None}`` (the row's total over role groups),
            ``{"role_group": "*"}`` (every role group of the row). A share of
            members of a role-group row is
            ``depends={"share_of_members": [{}, {"role_group": None}]}``.
        counts : sequence of str
            Person counts of a sub-group that is not a cell of the population
            (for example the listwise n of a reliability): the row's numbers
            are hidden when ``0 < count < k``.
        public : sequence of str
            Numbers that are not about persons (plan steps, goal values, lessons).

        Raises
        ------
        DisclosureError
            A numeric column is not declared, or a declared column or the
            population is unknown.
        """
        if name in self._tables:
            raise DisclosureError(f"table {name!r} is registered twice in this document")
        depends = {c: tuple(v) for c, v in (depends or {}).items()}
        df = pd.DataFrame() if table is None else table.reset_index(drop=True)
        if isinstance(values, str):
            if values != _ALL:
                raise DisclosureError(f"table {name!r}: values must be a list of columns or "
                                      f"'*', got {values!r}")
            taken = set(by) | set(depends) | set(counts) | set(public) | {MARK_COLUMN}
            values = [c for c in df.columns if c not in taken]
        by = [c for c in by if c in df.columns or not len(df.columns)]
        declared = set(by) | set(values) | set(depends) | set(counts) | set(public)
        if len(df.columns):
            unknown = sorted(c for c in declared if c not in df.columns)
            if unknown:
                raise DisclosureError(f"table {name!r} has no column(s) {', '.join(unknown)}")
            loose = [c for c in df.columns if c not in declared and c != MARK_COLUMN
                     and pd.api.types.is_numeric_dtype(df[c])
                     and not pd.api.types.is_bool_dtype(df[c])]
            if loose:
                raise DisclosureError(
                    f"table {name!r}: numeric column(s) {', '.join(map(str, loose))} are not "
                    "declared as values, depends, counts or public")
        if (values or depends) and population is None:
            raise DisclosureError(f"table {name!r} has values about persons but no population")
        if population is not None and population not in self._pops:
            if len(df):
                raise DisclosureError(f"table {name!r}: unknown population {population!r}; "
                                      "declare it with Disclosure.population first")
            # nothing to publish, and no people to declare (e.g. no survey answered yet)
            population = None
        t = _Table(name, df, population, tuple(by), tuple(values), depends, tuple(counts),
                   tuple(public))
        if population is not None and len(df):
            pop = self._pops[population]
            cols = [c for c in by if c in pop.order]
            for row in df[cols].itertuples(index=False, name=None):
                t.row_keys.append(pop.key(dict(zip(cols, map(_norm, row), strict=True))))
            for col, offsets in depends.items():
                t.dep_keys[col] = [[k2 for off in offsets for k2 in self._offset(pop, rk, off)]
                                   for rk in t.row_keys]
        self._tables[name] = t
        self._hidden = None

    @staticmethod
    def _offset(pop: _Population, key: Key, off: Mapping[str, object]) -> list[Key]:
        vals = dict(key)
        star: list[str] = []
        for col, v in off.items():
            g = pop.group_of(col)
            if g is None and col not in pop.fixed:
                raise DisclosureError(f"population {pop.name!r} has no dimension {col!r}")
            if v is None:
                finer = pop.hierarchy[g][pop.hierarchy[g].index(col):] if g is not None else (col,)
                for c in finer:
                    vals.pop(c, None)
            elif v == _ALL:
                star.append(col)
                vals.pop(col, None)
            else:
                vals[col] = v
        base = pop.key(vals)
        if not star:
            return [base]
        want = set(base) | set()
        cols = set(dict(base)) | set(star)
        return [c for c in pop.cells if set(dict(c)) == cols and set(c) >= want]

    # ------------------------------------------------------------------ deciding
    def _published(self) -> dict[str, set[Key]]:
        pub: dict[str, set[Key]] = {p: set() for p in self._pops}
        for t in self._tables.values():
            if t.population is None:
                continue
            if t.values:
                pub[t.population].update(k for k in t.row_keys if k is not None)
            for keys in t.dep_keys.values():
                for ks in keys:
                    pub[t.population].update(ks)
        return pub

    def hidden_cells(self) -> dict[tuple[str, Key], str]:
        """Every hidden cell of the document, ``(population, key) -> reason`` (computed once)."""
        if self._hidden is not None:
            return self._hidden
        hidden: dict[tuple[str, Key], str] = {}
        if self.audience == "outside":
            for pname, pub in self._published().items():
                pop = self._pops[pname]
                for key, reason in _suppress(pop, pub, self.k).items():
                    hidden[(pname, key)] = reason
        self._hidden = hidden
        return hidden

    def publish(self, only: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
        """The publishable tables, by the names they were added under.

        Each is a copy of its table with the hidden numbers set to NaN and the
        column ``suppressed`` (module docstring). For the ``group`` audience
        nothing is hidden and ``suppressed`` is empty throughout. ``only``
        limits the answer to some tables (the decision still covers them all).
        """
        hidden = self.hidden_cells()
        out: dict[str, pd.DataFrame] = {}
        for name, t in self._tables.items():
            if only is not None and name not in only:
                continue
            df = t.df.copy()
            if not len(df.columns):
                out[name] = df
                continue
            mark = pd.Series("", index=df.index, dtype=object)
            if self.audience == "outside" and len(df):
                mark = self._mark(t, df, hidden)
            df[MARK_COLUMN] = mark.astype(str).to_numpy()
            out[name] = df
        return out

    def _mark(self, t: _Table, df: pd.DataFrame, hidden: Mapping) -> pd.Series:
        mark = pd.Series("", index=df.index, dtype=object)
        row_hide = np.zeros(len(df), dtype=bool)
        if t.population is not None:
            for i, key in enumerate(t.row_keys):
                why = hidden.get((t.population, key))
                if why:
                    row_hide[i] = True
                    mark.iloc[i] = why
        for col in t.counts:
            v = pd.to_numeric(df[col], errors="coerce")
            small = ((v > 0) & (v < self.k)).fillna(False).to_numpy(bool)
            newly = small & ~row_hide
            mark[newly] = SMALL
            row_hide |= small
            df[col] = v.where(~small)
        for col in t.values:
            df[col] = df[col].astype(object).where(~row_hide, None) \
                if not pd.api.types.is_numeric_dtype(df[col]) else df[col].where(~row_hide)
        partial: dict[int, list[str]] = {}
        for col, keys in t.dep_keys.items():
            hide = np.array([row_hide[i] or any((t.population, k) in hidden for k in ks)
                             for i, ks in enumerate(keys)], dtype=bool)
            for i in np.flatnonzero(hide & ~row_hide):
                partial.setdefault(int(i), []).append(col)
            df[col] = (df[col].where(~hide) if pd.api.types.is_numeric_dtype(df[col])
                       else df[col].astype(object).where(~hide, None))
        for i, cols in partial.items():
            mark.iloc[i] = "columns hidden: " + ", ".join(cols)
        return mark


# ---------------------------------------------------------------------------- the algorithm
def _equations(pop: _Population) -> list[tuple[Key, list[Key]]]:
    """Margin equations ``parent = sum(children)`` of a population's hierarchical table."""
    eqs: dict[tuple[Key, int], list[Key]] = {}
    for key in pop.cells:
        cols = dict(key)
        for gi, g in enumerate(pop.hierarchy):
            present = [c for c in g if c in cols]
            if not present:
                continue
            finest = present[-1]
            parent = tuple((c, v) for c, v in key if c != finest)
            eqs.setdefault((parent, gi), []).append(key)
    return [(parent, children) for (parent, _), children in eqs.items()]


def _rows(equations: Sequence[tuple[Key, Sequence[Key]]],
          unknown: set[Key]) -> list[dict[Key, float]]:
    rows = []
    for parent, children in equations:
        r: dict[Key, float] = {}
        if parent in unknown:
            r[parent] = 1.0
        for c in children:
            if c in unknown:
                r[c] = r.get(c, 0.0) - 1.0
        if r:
            rows.append(r)
    return rows


def _components(rows: list[dict[Key, float]], unknown: set[Key]
                ) -> list[tuple[list[Key], list[dict[Key, float]]]]:
    """Connected groups of unknown cells (linked by sharing an equation), with their rows."""
    parent_of: dict[Key, Key] = {u: u for u in unknown}

    def find(x: Key) -> Key:
        while parent_of[x] != x:
            parent_of[x] = parent_of[parent_of[x]]
            x = parent_of[x]
        return x

    for r in rows:
        cells = list(r)
        for c in cells[1:]:
            a, b = find(cells[0]), find(c)
            if a != b:
                parent_of[a] = b
    groups: dict[Key, tuple[list[Key], list[dict[Key, float]]]] = {}
    for u in unknown:
        groups.setdefault(find(u), ([], []))[0].append(u)
    for r in rows:
        groups[find(next(iter(r)))][1].append(r)
    return list(groups.values())


def _determined(cells: list[Key], rows: list[dict[Key, float]]) -> set[Key]:
    if not rows:
        return set()
    index = {c: i for i, c in enumerate(cells)}
    a = np.zeros((len(rows), len(cells)))
    for i, r in enumerate(rows):
        for c, v in r.items():
            a[i, index[c]] = v
    _, s, vt = np.linalg.svd(a, full_matrices=True)
    rank = int((s > 1e-9 * max(1.0, float(s.max()))).sum())
    null = vt[rank:]  # its rows span the null space
    free = np.abs(null).max(axis=0) if len(null) else np.zeros(len(cells))
    return {c for c, f in zip(cells, free, strict=True) if f < 1e-9}


def derivable_cells(equations: Sequence[tuple[Key, Sequence[Key]]],
                    unknown: Iterable[Key], *, among: Iterable[Key] | None = None) -> set[Key]:
    """The unknown cells that the margin equations determine exactly.

    ``equations`` are ``(parent, children)`` with ``parent = sum(children)``;
    every cell not in ``unknown`` counts as published. A cell ``x`` is
    determined iff its unit vector lies in the row space of the equations
    restricted to the unknown cells, i.e. iff ``x`` is zero in every vector
    of their null space (found by a singular-value decomposition, per
    connected group of unknown cells). ``among`` limits the answer (and the
    work) to the groups holding these cells.

    >>> eqs = [("T", ["a", "b", "c"])]
    >>> sorted(derivable_cells(eqs, {"a"})), sorted(derivable_cells(eqs, {"a", "b"}))
    (['a'], [])
    """
    unknown = set(unknown)
    want = None if among is None else set(among)
    out: set[Key] = set()
    for cells, rows in _components(_rows(equations, unknown), unknown):
        if want is not None and not want.intersection(cells):
            continue
        out |= _determined(cells, rows)
    return out if want is None else out & want


def _suppress(pop: _Population, published: set[Key], k: int) -> dict[Key, str]:
    """Primary and complementary suppression of one population's cells (module docstring).

    For each small cell that is still derivable, the published cells of the
    equations touching its group of unknown cells are tried cheapest first
    (cells no coarser than it, then fewest persons); the first whose hiding
    makes it underivable is hidden, or else the cheapest, and the test repeats.
    """
    n = pop.cells
    sensitive = {c for c, v in n.items() if 0 < v < k}
    reason: dict[Key, str] = {c: SMALL for c in sensitive if c in published}
    if not sensitive:
        return reason
    eqs = _equations(pop)
    by_cell: dict[Key, list[int]] = {}
    for i, (parent, children) in enumerate(eqs):
        for c in (parent, *children):
            by_cell.setdefault(c, []).append(i)
    unknown = (set(n) - published) | set(reason)
    for _ in range(len(n) + 1):
        leaks = sorted(derivable_cells(eqs, unknown, among=sensitive & unknown), key=repr)
        if not leaks:
            return reason
        progress = False
        for s in leaks:
            if not derivable_cells(eqs, unknown, among=[s]):
                continue  # protected by a cell hidden earlier in this round
            group = next(cells for cells, _ in _components(_rows(eqs, unknown), unknown)
                         if s in cells)
            near = {i for c in group for i in by_cell.get(c, [])}
            cands = sorted({(len(c) < len(s), n[c], repr(c)): c for i in near
                            for c in (eqs[i][0], *eqs[i][1])
                            if c not in unknown and n.get(c, 0) > 0}.items())
            if not cands:
                continue
            pick = cands[0][1]
            for _, c in cands:
                if not derivable_cells(eqs, unknown | {c}, among=[s]):
                    pick = c
                    break
            reason[pick] = COMPLEMENTARY
            unknown.add(pick)
            progress = True
        if not progress:
            break
    # nothing left to hide that helps: hide every published cell of the population
    for c in published:
        reason.setdefault(c, COMPLEMENTARY)
    return reason
