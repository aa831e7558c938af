"""The disclosure attack of issue 15: read every outside-reader output as an attacker would.

Stores with role groups of 1 and 2 persons (one student, two family members in
several CoPs) are published through every output meant for readers outside the
school: the cross-CoP report (HTML tables and the alt texts of its charts), the
tables of notebook 05, the harvest document and the aggregate export. Every
published number is collected with its label (table, CoP or country or "all",
role group, column). Then an attacker who knows what the columns mean tries to
work out each small cell's true values (persons, attendance, contributions,
shares; the store gives the truth) by the moves of issue 15's probe:

* reading it directly,
* total minus the other role groups (within a CoP, a country, all CoPs),
* share x published total (e.g. the students' share of members x members),
* rate x expected, counts x meetings, 1 - the other shares.

None may succeed. On the code before issue 15 the first test fails: the
cross-CoP report's students' share of members x the CoP's members gives the
number of students, and total contributions minus the professionals' gives the
students' contributions.
"""

from __future__ import annotations

import base64
import re
from collections import defaultdict
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit import analysis
from cocope_kit.demo import write_demo
from cocope_kit.privacy import consent_register, filter_consented

AS_OF = "2026-06-30"
K = 5
ADDITIVE = ("members", "expected", "attended", "contributions")


# ----------------------------------------------------------------------------- the store
@pytest.fixture(scope="module")
def store():
    """Six demo CoPs with 1 to 3 students and family members each; every CoP with one family
    member gets a second one (who came to every meeting and spoke), so groups of 1 and 2;
    and the first CoP with five professionals loses its family members, so its students are its only small group
    (only complementary suppression protects them from the CoP's total)."""
    s = write_demo(ck.open_store(":memory:"), n_cops=6, seed=7)
    meetings = s.read("meeting")
    roles = analysis.enrich(s.read("member")[["member_id", "cop_id", "role"]])
    ok = consent_register(s.read("member"), s.read("consent"))
    pro = roles[(roles.role_group == "professional")
                & roles.member_id.isin(ok.loc[ok.included, "member_id"])].groupby("cop_id").size()
    first = sorted(pro[pro >= K].index)[0]
    for mid in roles.loc[(roles.cop_id == first) & (roles.role_group == "family"), "member_id"]:
        s.forget(mid)
    fam = roles[(roles["role_group"] == "family") & (roles.cop_id != first)]
    fam = fam.groupby("cop_id").size()
    for i, cop in enumerate(sorted(fam[fam == 1].index)):
        mid = f"{cop}:extra-parent"
        s.insert("member", [{"member_id": mid, "cop_id": cop, "name": f"Extra Parent {i}",
                             "pseudonym": "Parent Z", "role": "parent", "core": False,
                             "joined_on": "2025-09-29", "left_on": None}])
        s.insert("consent", [{"member_id": mid, "kind": "consent", "status": "given",
                              "recorded_on": "2025-09-22", "note": None}])
        mt = meetings[meetings["cop_id"] == cop]["meeting_id"]
        s.insert("attendance", [{"meeting_id": m, "member_id": mid, "present": True,
                                 "contributions": 3 + j} for j, m in enumerate(mt)])
    return s


def _truth(store) -> pd.DataFrame:
    """The true values of every (CoP, role group) cell, from the consented store."""
    t = analysis.load_tables(store, consented_only=False)
    t, _ = filter_consented(t)
    att, mem, meet = t["attendance"], t["member"], t["meeting"]
    people = analysis.enrich(mem[["member_id", "cop_id", "role"]])
    n = people.groupby(["cop_id", "role_group"]).size().rename("members").reset_index()
    rates = analysis.attendance_rates(att, mem, meet, by=("cop_id", "role_group"))
    shares = analysis.contribution_shares(att, mem, meet, by=("cop_id", "role_group"),
                                          within="cop_id")
    out = (n.merge(rates, on=["cop_id", "role_group"], how="left")
           .merge(shares[["cop_id", "role_group", "contributions", "share_of_members",
                          "share_of_contributions"]], on=["cop_id", "role_group"], how="left"))
    country = t["cop"].set_index("cop_id")["country"]
    out["country"] = out["cop_id"].map(country)
    out["meetings"] = out["cop_id"].map(meet.groupby("cop_id").size())
    return out


# ----------------------------------------------------------------------------- reading outputs
class _Tables(HTMLParser):
    """Every <table> as rows of {data-col: text}, and the alt text of every image."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[dict]] = {}
        self.alts: list[str] = []
        self._t = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._t = self.tables.setdefault(a.get("id") or f"t{len(self.tables)}", [])
        elif tag == "tr" and self._t is not None:
            self._row = {}
        elif tag == "td" and self._row is not None:
            self._cell = [a.get("data-col"), ""]
        elif tag == "img":
            self.alts.append(a.get("alt") or "")
            src = a.get("src") or ""
            if src.startswith("data:image/svg+xml;base64,"):
                svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8", "replace")
                self.alts.append(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg)))

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row[self._cell[0]] = self._cell[1].strip()
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self._t.append(self._row)
            self._row = None
        elif tag == "table":
            self._t = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data


def number(text: object) -> float | None:
    """A published cell as a number (percent as a fraction); None for hidden or text."""
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        return None if pd.isna(text) else float(text)
    s = str(text).strip().replace(",", "")
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)(%?)", s)
    if not m:
        return None
    return float(m.group(1)) / (100 if m.group(2) else 1)


MEASURE = {  # column -> (measure, role group it is about: None = the row's)
    "members": ("members", None), "people": ("members", None),
    "expected": ("expected", None), "attended": ("attended", None),
    "contributions": ("contributions", None), "rate": ("rate", None),
    "share_of_members": ("share_of_members", None),
    "share_of_contributions": ("share_of_contributions", None),
    "student_share_of_members": ("share_of_members", "student"),
    "student_share_of_voice": ("share_of_contributions", "student"),
    "meetings": ("meetings", "*"),
}


class Facts:
    """Published numbers by (place, role group, measure); place is a CoP id, a country or
    "all"; role group None is the place's total."""

    def __init__(self, truth: pd.DataFrame):
        self.cops = set(truth["cop_id"])
        self.country_of = dict(zip(truth["cop_id"], truth["country"], strict=False))
        self.f: dict[tuple, set[float]] = defaultdict(set)

    def add_rows(self, table: str, rows: list[dict]) -> None:
        for row in rows:
            place = row.get("cop_id") or row.get("country") or "all"
            if place not in self.cops and place not in set(self.country_of.values()):
                place = "all" if "cop_id" not in row and "country" not in row else None
            if place is None:
                continue
            if row.get("cop_id") and row.get("country") and row["cop_id"] not in self.cops:
                continue
            role = row.get("role_group")
            for col, text in row.items():
                if col == "n" and "attendance" in table:
                    col = "people"
                if col not in MEASURE:
                    continue
                v = number(text)
                if v is None:
                    continue
                measure, about = MEASURE[col]
                if about == "*":
                    self.f[(place, "*", measure)].add(v)
                    continue
                self.f[(place, about or role, measure)].add(v)

    def add_frame(self, table: str, df: pd.DataFrame) -> None:
        rows = [{c: (None if pd.isna(v) else v) if not isinstance(v, str) else v
                 for c, v in r.items()} for r in df.to_dict("records")]
        for r in rows:
            for c in ("role_group", "cop_id", "country"):
                if r.get(c) is None:
                    r.pop(c, None)
        self.add_rows(table, rows)

    def add_alt(self, text: str) -> None:
        # "be-gent: 25% of the members, 1% of the contributions" (the voice-shares chart)
        for cop, m, v in re.findall(r"([a-z]{2}-[a-z0-9-]+): ([\d.]+)% of (?:the )?members, "
                                    r"([\d.]+)% of (?:the )?contributions", text):
            self.f[(cop, "student", "share_of_members")].add(float(m) / 100)
            self.f[(cop, "student", "share_of_contributions")].add(float(v) / 100)

    def get(self, place, role, measure) -> set[float]:
        return self.f.get((place, role, measure), set())


def attack(facts: Facts, truth: pd.DataFrame) -> list[str]:
    """Every small cell value the facts give away, as sentences (empty: the attack failed)."""
    found = []
    groups = truth.groupby("cop_id")["role_group"].apply(set).to_dict()

    def hit(derived: float, true: float, share: bool) -> bool:
        if pd.isna(true):
            return False
        return abs(derived - true) < (0.0006 if share else 0.2)

    def known(place, role, measure) -> set[float]:
        """Published, or total minus the other role groups of the same place."""
        vals = set(facts.get(place, role, measure))
        if measure in ADDITIVE and place in groups and role is not None:
            others = [facts.get(place, r, measure) for r in groups[place] - {role}]
            if all(others):
                for tot in facts.get(place, None, measure):
                    vals.add(tot - sum(min(o) for o in others))
        return vals

    for _, row in truth[(truth["members"] > 0) & (truth["members"] < K)].iterrows():
        cop, role = row["cop_id"], row["role_group"]
        country = row["country"]
        cands: dict[str, set[float]] = defaultdict(set)
        for m in (*ADDITIVE, "rate", "share_of_members", "share_of_contributions"):
            cands[m] |= known(cop, role, m)
        # share x total
        for s in facts.get(cop, role, "share_of_members"):
            for tot in facts.get(cop, None, "members"):
                cands["members"].add(s * tot)
        for s in facts.get(cop, role, "share_of_contributions"):
            for tot in facts.get(cop, None, "contributions"):
                cands["contributions"].add(s * tot)
        # 1 - the other shares
        for m in ("share_of_members", "share_of_contributions"):
            others = [facts.get(cop, r, m) for r in groups[cop] - {role}]
            if others and all(others):
                cands[m].add(1 - sum(min(o) for o in others))
        # counts from counts and rates
        for mem in list(cands["members"]):
            for mt in facts.get(cop, "*", "meetings"):
                cands["expected"].add(mem * mt)
            for tot in facts.get(cop, None, "members"):
                cands["share_of_members"].add(mem / tot if tot else np.nan)
        for r in list(cands["rate"]):
            for e in list(cands["expected"]):
                cands["attended"].add(r * e)
        for c in list(cands["contributions"]):
            for tot in facts.get(cop, None, "contributions"):
                cands["share_of_contributions"].add(c / tot if tot else np.nan)
        # a country or all CoPs, minus the other CoPs' cells
        for place, peers in ((country, [c for c, k in facts.country_of.items()
                                        if k == country and c != cop]),
                             ("all", [c for c in facts.cops if c != cop])):
            for m in ADDITIVE:
                others = [known(p, role, m) for p in peers if role in groups.get(p, set())]
                if all(others):
                    for tot in facts.get(place, role, m):
                        cands[m].add(tot - sum(min(o) for o in others))
        for m, vals in cands.items():
            share = m.startswith("share") or m == "rate"
            for v in vals:
                if not pd.isna(v) and hit(v, row[m], share):
                    found.append(f"{cop} {role} ({int(row['members'])} people): {m} = "
                                 f"{row[m]} worked out as {v:.4g}")
                    break
    return found


def html_facts(facts: Facts, html_text: str) -> None:
    p = _Tables()
    p.feed(html_text)
    for tid, rows in p.tables.items():
        facts.add_rows(tid, rows)
    for alt in p.alts:
        facts.add_alt(alt)


# ----------------------------------------------------------------------------- the tests
def test_store_has_groups_of_one_and_two(store):
    truth = _truth(store)
    sizes = set(truth.loc[truth.role_group != "professional", "members"])
    assert {1, 2} <= sizes
    assert (truth.loc[truth.role_group == "family", "members"] == 2).sum() >= 3
    assert (truth.loc[truth.role_group == "student", "members"] == 1).sum() >= 1
    # a CoP whose only small group is its students
    small = truth[truth.members < K].groupby("cop_id").size()
    assert (small == 1).any()


def test_cross_cop_report_gives_nothing_away(store):
    from cocope_kit.report import report_html

    truth = _truth(store)
    facts = Facts(truth)
    html_facts(facts, report_html(store, as_of=AS_OF))
    assert len(facts.f) > 40  # the attacker did read the report
    found = attack(facts, truth)
    assert not found, "\n".join(found)


def test_notebook_05_tables_give_nothing_away(store):
    """Notebook 05 shows :func:`cross_cop_tables`; read every table as published."""
    from cocope_kit.report_cross import cross_cop_tables

    truth = _truth(store)
    facts = Facts(truth)
    tables = cross_cop_tables(store, as_of=AS_OF)
    for name, df in tables.items():
        facts.add_frame(name, df)
    assert len(facts.f) > 40
    found = attack(facts, truth)
    assert not found, "\n".join(found)


def test_everything_outside_readers_get_together_gives_nothing_away(store, tmp_path):
    """The report, the notebook tables, the aggregate export and the harvest, all read by one
    attacker who combines them (they come from one disclosure decision)."""
    from cocope_kit.harvest_doc import harvest_html, harvest_markdown
    from cocope_kit.report import report_html
    from cocope_kit.report_cross import cross_cop_tables

    truth = _truth(store)
    facts = Facts(truth)
    html_facts(facts, report_html(store, as_of=AS_OF))
    for name, df in cross_cop_tables(store, as_of=AS_OF).items():
        facts.add_frame(name, df)
    harvest = harvest_html(store, today=AS_OF)
    html_facts(facts, harvest)
    md = harvest_markdown(store, today=AS_OF)
    assert "|" in md
    out = tmp_path / "agg"
    from cocope_kit.report_cross import write_aggregates

    paths = write_aggregates(store, out, as_of=AS_OF)
    for p in paths:
        if p.suffix == ".csv":
            facts.add_frame(p.stem, pd.read_csv(p, dtype={"cop_id": str}))
    readme = (out / "README.txt").read_text()
    assert "Audience: readers outside the school" in readme
    found = attack(facts, truth)
    assert not found, "\n".join(found)


def test_attacker_finds_what_an_unprotected_table_gives_away(store):
    """The attack is not blind: the raw analysis tables (what the cross-CoP report showed
    before issue 15) give the small cells away, and the attacker finds them."""
    truth = _truth(store)
    t = analysis.load_tables(store, consented_only=False)
    t, _ = filter_consented(t)
    facts = Facts(truth)
    voice = analysis.voice_equity(t["attendance"], t["member"], t["meeting"], by=("cop_id",))
    facts.add_frame("voice", voice)
    found = attack(facts, truth)
    students = truth[(truth.role_group == "student") & (truth.members < K)]
    assert {f.split()[0] for f in found if " student " in f and ": members = " in f} == set(
        students.cop_id)
    # and a single student's contributions, by total minus the other role groups
    shares = analysis.contribution_shares(t["attendance"], t["member"], t["meeting"],
                                          by=("cop_id", "role_group"), within="cop_id")
    facts.add_frame("shares", shares[shares.role_group != "student"])
    found = attack(facts, truth)
    one = truth[(truth.role_group == "student") & (truth.members == 1)]
    for _, r in one.iterrows():
        assert any(f.startswith(f"{r.cop_id} student") and "contributions = " in f
                   for f in found), found
