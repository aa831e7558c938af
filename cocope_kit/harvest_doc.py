"""The harvest document: lessons of many CoPs in one standalone file (HTML or Markdown).

The document is meant to travel: a facilitator sends it to another school, a
project evaluator puts it in an appendix, a new CoP reads it before its first
meeting. It holds the lessons that match a search
(:func:`cocope_kit.analysis.search_lessons`), a table of kinds, the CoPs they
come from, and the tags used, then every lesson under its kind and country.

Safe to open and to pass on:

* **HTML** is one file with its styles inline; it loads nothing from the
  internet (no scripts, images, fonts or style sheets). Every text written
  by users is escaped, and a link becomes clickable only when it is an
  ``http`` or ``https`` address; anything else (``javascript:``, ``file:``,
  ``data:``) is shown as plain text.
* **Markdown** escapes every character that Markdown or HTML would
  interpret in user text, so a lesson cannot add headings, links, images or
  raw HTML.
* Lessons have no member column, but their text may name people. Real
  names are replaced by pseudonyms, or by "a member" for anyone the consent
  rule leaves out (:func:`cocope_kit.analysis.mask_names`), before searching,
  so a search for a real name finds nothing. A person who was forgotten is
  no member any more, so masking cannot know their name: ``forget`` itself
  replaces it in every lesson (:mod:`cocope_kit.erasure`).

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> from cocope_kit.harvest_doc import harvest_html, harvest_markdown
>>> store = write_demo(ck.open_store(":memory:"))
>>> page = harvest_html(store, country=["AT", "PT"])
>>> page.startswith("<!DOCTYPE html>"), '<html lang="en">' in page, "<script" in page
(True, True, False)
>>> page.count('<article class="lesson')
4
>>> print(harvest_markdown(store, kind="resource").splitlines()[0])
# Knowledge harvest
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from html import escape
from pathlib import Path
from urllib.parse import quote, urlsplit

import pandas as pd

from .analysis.harvest import (
    KIND_LABELS,
    KIND_ORDER,
    harvest_table,
    mask_names,
    search_lessons,
    tag_counts,
)
from .errors import UsageError
from .report import BASE_CSS

__all__ = ["FORMATS", "harvest_html", "harvest_markdown", "md_escape", "safe_link", "write_harvest"]

FORMATS = ("html", "md")
"""Formats :func:`write_harvest` writes."""

_CSS = BASE_CSS + """
.meta,.tags{font-size:.92rem;color:#444}
article.lesson{border:1px solid #ddd;border-left:6px solid #56B4E9;border-radius:6px;
 padding:.5rem 1rem;margin:.8rem 0}
article.lesson h4{margin:.2rem 0;font-size:1.08rem}
article.lesson p{margin:.3rem 0}
.k-success{border-left-color:#009E73!important}
.k-challenge{border-left-color:#D55E00!important}
.k-unexpected_benefit{border-left-color:#E69F00!important}
.k-side_effect{border-left-color:#CC79A7!important}
.k-insight{border-left-color:#56B4E9!important}
.k-resource{border-left-color:#0072B2!important}
@media print{
 article.lesson{break-inside:avoid;page-break-inside:avoid}
}
"""

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&#$])")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=>])")


# ----------------------------------------------------------------------------- helpers
def safe_link(link: object) -> str | None:
    """The link when it is a plain ``http``/``https`` address with a host, else None.

    Whitespace or control characters anywhere make it unsafe too (browsers
    drop them, so ``"java\\tscript:"`` would run as ``javascript:``).

    >>> safe_link("https://example.org/a?b=1"), safe_link(" javascript:alert(1)")
    ('https://example.org/a?b=1', None)
    >>> safe_link("HTTP://Example.org"), safe_link("ftp://x.org"), safe_link("https:///nohost")
    ('HTTP://Example.org', None, None)
    """
    if not isinstance(link, str):
        return None
    s = link.strip()
    if not s or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in s):
        return None
    try:
        parts = urlsplit(s)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return s


def md_escape(text: object) -> str:
    r"""User text for Markdown: characters that Markdown, HTML or a notebook's maths
    could read are backslash-escaped, and line breaks become spaces.

    Escaped everywhere: ``\ ` * _ [ ] < > | ~ & # $``; at the start of the
    text also ``- + = >`` and the dot or parenthesis of ``1.`` / ``1)``, so
    a lesson cannot start a heading, a list, a quote or a table row, nor
    add links, images, emphasis or raw HTML.

    >>> print(md_escape("# <b>Hi</b> [x](javascript:y) *a*"))
    \# \<b\>Hi\</b\> \[x\](javascript:y) \*a\*
    >>> print(md_escape("- 3.5 pupils, on 2026-06-02"), md_escape("1. first"))
    \- 3.5 pupils, on 2026-06-02 1\. first
    """
    if text is None or (isinstance(text, float) and text != text) or text is pd.NA:
        return ""
    s = _MD_INLINE.sub(r"\\\1", " ".join(str(text).split()))
    # a line that starts like a list item, a quote or a heading underline
    return _MD_LINE_START.sub(lambda m: (m.group(1) + "\\" + m.group(2)) if m.group(1)
                              else "\\" + m.group(3), s)


def _blank(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v) or (
        isinstance(v, str) and not v.strip()) or (v is pd.NaT)


def _day(v) -> str:
    if _blank(v):
        return ""
    ts = pd.Timestamp(v)
    return "" if pd.isna(ts) else ts.strftime("%Y-%m-%d")


def _load(store, *, text, tags, tag_match, kind, country, cop_ids):
    lessons = store.read("lesson")
    cops = store.read("cop")
    members = store.read("member")
    consent = store.read("consent")
    masked = mask_names(lessons, members, consent)
    found = search_lessons(masked, cops, text=text, tags=tags, tag_match=tag_match, kind=kind,
                           country=country, cop_ids=cop_ids)
    return found, cops


def _filters_text(text, tags, tag_match, kind, country, cop_ids) -> list[str]:
    def as_list(v):
        return [v] if isinstance(v, str) else list(v)

    parts = []
    if text:
        parts.append(f"text “{text}”")
    if tags:
        tl = as_list(tags)
        joiner = " and " if tag_match == "all" and len(tl) > 1 else " or "
        parts.append("tag " + joiner.join(f"“{t}”" for t in tl))
    if kind:
        parts.append("kind " + " or ".join(KIND_LABELS.get(k.strip().lower(), k).lower()
                                           for k in as_list(kind)))
    if country:
        parts.append("country " + " or ".join(c.strip().upper() for c in as_list(country)))
    if cop_ids:
        parts.append("CoP " + " or ".join(as_list(cop_ids)))
    return parts


def _country_groups(sub: pd.DataFrame):
    sub = sub.assign(_c=sub["country"].fillna("—"))
    for c, part in sub.groupby("_c", sort=True):
        yield str(c), part.drop(columns="_c")


def _cop_table(found: pd.DataFrame, cops: pd.DataFrame) -> pd.DataFrame:
    ids = list(dict.fromkeys(found.sort_values(["country", "cop_id"])["cop_id"]))
    cp = cops.set_index("cop_id")
    rows = []
    for cid in ids:
        sub = found[found["cop_id"] == cid]
        r = cp.loc[cid] if cid in cp.index else None
        rows.append({
            "cop_id": cid, "name": None if r is None else r["name"],
            "school": None if r is None else r["school"],
            "country": None if r is None else r["country"],
            "cycle": None if r is None or pd.isna(r["cycle"]) else int(r["cycle"]),
            "previous_cop_id": None if r is None or _blank(r["previous_cop_id"])
            else r["previous_cop_id"],
            "lessons": len(sub),
        })
    return pd.DataFrame(rows, columns=["cop_id", "name", "school", "country", "cycle",
                                       "previous_cop_id", "lessons"])


def _published_numbers(found: pd.DataFrame, cops: pd.DataFrame
                       ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The harvest's three tables of numbers, through the disclosure step for outside readers.

    The harvest leaves the school, so its audience is outside readers
    (:mod:`cocope_kit.disclosure`). Its numbers count lessons, CoPs, countries
    and tag uses; a lesson is written by the group and has no member, so none
    of them is about persons and all are declared public. Whoever adds a
    number about people here has to declare its population, and it is then
    suppressed like the cross-CoP report's.
    """
    from .disclosure import Disclosure

    d = Disclosure("outside")
    d.add("kinds", harvest_table(found), by=["kind", "label", "countries", "tags"],
          public=["lessons", "cops"])
    d.add("cops", _cop_table(found, cops), by=["cop_id", "name", "school", "country"],
          public=["cycle", "lessons"])
    d.add("tags", tag_counts(found), by=["tag"], public=["lessons", "cops"])
    out = {name: df.drop(columns="suppressed", errors="ignore")
           for name, df in d.publish().items()}
    return out["kinds"], out["cops"], out["tags"]


def _check_format(format: str) -> str:
    if format not in FORMATS:
        raise UsageError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    return format


# ----------------------------------------------------------------------------- HTML
def _h_table(df: pd.DataFrame, headers: list[str], caption: str, num: set[str]) -> str:
    th = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = []
    for r in df.itertuples(index=False):
        cells = []
        for col, v in zip(df.columns, r, strict=True):
            cls = ' class="num"' if col in num else ""
            cells.append(f"<td{cls}>{'' if _blank(v) else escape(str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="table-wrap"><table><caption>{escape(caption)}</caption>'
            f"<thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _h_lesson(r, anchor: str) -> str:
    meta = " · ".join(x for x in (
        escape(str(r.cop_name)) if not _blank(r.cop_name) else escape(str(r.cop_id)),
        escape(str(r.school)) if not _blank(r.school) else "",
        f"cycle {int(r.cycle)}" if not _blank(r.cycle) else "",
        escape(_day(r.created_on)),
    ) if x)
    parts = [f'<article class="lesson k-{escape(str(r.kind))}" id="{escape(anchor)}">',
             f"<h4>{escape(str(r.title))}</h4>", f'<p class="meta">{meta}</p>']
    if not _blank(r.text):
        parts.append(f"<p>{escape(str(r.text))}</p>")
    if not _blank(r.tags):
        parts.append(f'<p class="tags">Tags: {escape(str(r.tags))}</p>')
    if not _blank(r.link):
        href = safe_link(r.link)
        if href:
            parts.append(f'<p>Link: <a href="{escape(href, quote=True)}" rel="noopener noreferrer">'
                         f"{escape(href)}</a></p>")
        else:
            parts.append(f'<p class="meta">Link (not a web address, so not linked): '
                         f"<code>{escape(str(r.link))}</code></p>")
    parts.append("</article>")
    return "".join(parts)


def _anchor(lesson_id: str, used: set[str]) -> str:
    """An HTML id for a lesson, unique within the page."""
    base = "lesson-" + re.sub(r"[^A-Za-z0-9_-]+", "-", str(lesson_id))
    a, n = base, 2
    while a in used:
        a, n = f"{base}-{n}", n + 1
    used.add(a)
    return a


def harvest_html(store, *, text: str | None = None, tags=None, tag_match: str = "any",
                 kind=None, country=None, cop_ids=None, title: str = "Knowledge harvest",
                 today=None) -> str:
    """The harvest document as one self-contained HTML page.

    Parameters
    ----------
    store : Store
    text, tags, tag_match, kind, country, cop_ids
        Filters, as in :func:`cocope_kit.analysis.search_lessons`.
    title : str, default "Knowledge harvest"
        Heading and page title (escaped).
    today : date or str, optional
        Day printed as the date of the harvest; default today.

    Returns
    -------
    str
        ``<!DOCTYPE html>`` page, ``lang="en"``, with sections: summary
        (table of kinds), CoPs, tags, then one section per kind with
        lessons grouped by country.

    Raises
    ------
    UsageError
        Bad filters (unknown kind, country code, CoP).
    """
    found, cops = _load(store, text=text, tags=tags, tag_match=tag_match, kind=kind,
                        country=country, cop_ids=cop_ids)
    day = _day(today) or _dt.date.today().isoformat()
    filters = _filters_text(text, tags, tag_match, kind, country, cop_ids)
    n_cop = found["cop_id"].nunique()
    n_cty = found["country"].nunique()
    lead = (f"{len(found)} lesson{'s' if len(found) != 1 else ''} from {n_cop} "
            f"CoP{'s' if n_cop != 1 else ''} in {n_cty} countr{'ies' if n_cty != 1 else 'y'}"
            f", harvested on {day}.")
    header = (f"<h1>{escape(title)}</h1><p class=\"lead\">{escape(lead)}</p>"
              + (f"<p>Filters: {escape('; '.join(filters))}.</p>" if filters
                 else "<p>All lessons in the store.</p>")
              + '<p class="privacy">Lessons are the shared fruits of each CoP, written by the '
              "group. Names of people are replaced by pseudonyms, or by “a member” for anyone "
              "who has not given consent (or, for students, assent).</p>")
    body = []
    toc = ['<nav aria-label="Contents"><h2 id="contents">Contents</h2><ol>',
           '<li><a href="#summary">Summary</a></li>', '<li><a href="#cops">CoPs</a></li>',
           '<li><a href="#tags">Tags</a></li>']
    body.append('<section aria-labelledby="summary"><h2 id="summary">Summary</h2>')
    if found.empty:
        body.append('<p class="empty">No lesson matches these filters.</p>')
    summary, cop_table, tc = _published_numbers(found, cops)
    body.append(_h_table(summary[["label", "lessons", "cops", "countries", "tags"]],
                         ["kind", "lessons", "CoPs", "countries", "most used tags"],
                         "Lessons by kind", {"lessons", "cops"}))
    body.append("</section>")
    body.append('<section aria-labelledby="cops"><h2 id="cops">CoPs</h2>')
    body.append(_h_table(cop_table,
                         ["cop_id", "name", "school", "country", "cycle", "follows", "lessons"],
                         "Where the lessons come from", {"cycle", "lessons"}))
    body.append("</section>")
    body.append('<section aria-labelledby="tags"><h2 id="tags">Tags</h2>')
    if tc.empty:
        body.append('<p class="empty">No tags.</p>')
    else:
        body.append("<p>" + ", ".join(f"{escape(r.tag)} ({r.lessons})" for r in tc.itertuples())
                    + "</p>")
    body.append("</section>")
    used: set[str] = set()
    for k in KIND_ORDER:
        sub = found[found["kind"] == k]
        if sub.empty:
            continue
        label = KIND_LABELS[k]
        toc.append(f'<li><a href="#kind-{k}">{escape(label)} ({len(sub)})</a></li>')
        body.append(f'<section aria-labelledby="kind-{k}"><h2 id="kind-{k}">{escape(label)}</h2>')
        for country, part in _country_groups(sub):
            body.append(f"<h3>Country: {escape(country)}</h3>")
            body.extend(_h_lesson(r, _anchor(r.lesson_id, used)) for r in part.itertuples(index=False))
        body.append("</section>")
    toc.append("</ol></nav>")
    return ("<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="referrer" content="no-referrer">\n'
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<header>{header}</header>\n<main>{''.join(toc)}{''.join(body)}</main>\n"
            '<footer class="foot"><p>Made with cocope_kit. Self-contained file: it loads '
            "nothing from the internet.</p></footer>\n</body>\n</html>\n")


# ----------------------------------------------------------------------------- Markdown
def _md_url(href: str) -> str:
    """A safe link target for Markdown: characters that end or break the target are encoded."""
    return quote(href, safe="/:?#[]@!$&'*+,;=%-._~")


def _md_table(df: pd.DataFrame, headers: list[str]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for r in df.itertuples(index=False):
        out.append("| " + " | ".join("" if _blank(v) else md_escape(v) for v in r) + " |")
    return out


def harvest_markdown(store, *, text: str | None = None, tags=None, tag_match: str = "any",
                     kind=None, country=None, cop_ids=None, title: str = "Knowledge harvest",
                     today=None) -> str:
    """The harvest document as Markdown (same content and order as :func:`harvest_html`).

    User text goes through :func:`md_escape`; a link is written as a
    Markdown link only when :func:`safe_link` accepts it.
    """
    found, cops = _load(store, text=text, tags=tags, tag_match=tag_match, kind=kind,
                        country=country, cop_ids=cop_ids)
    day = _day(today) or _dt.date.today().isoformat()
    filters = _filters_text(text, tags, tag_match, kind, country, cop_ids)
    n_cop, n_cty = found["cop_id"].nunique(), found["country"].nunique()
    lines = [f"# {md_escape(title)}", "",
             md_escape(f"{len(found)} lesson{'s' if len(found) != 1 else ''} from {n_cop} "
                       f"CoP{'s' if n_cop != 1 else ''} in {n_cty} "
                       f"countr{'ies' if n_cty != 1 else 'y'}, harvested on {day}."), "",
             (f"Filters: {md_escape('; '.join(filters))}." if filters
              else "All lessons in the store."), "",
             "> Lessons are the shared fruits of each CoP, written by the group. Names of "
             "people are replaced by pseudonyms, or by “a member” for anyone who has not given "
             "consent (or, for students, assent).", "", "## Summary", ""]
    if found.empty:
        lines += ["No lesson matches these filters.", ""]
    summary, cop_table, tc = _published_numbers(found, cops)
    lines += _md_table(summary[["label", "lessons", "cops", "countries", "tags"]],
                       ["kind", "lessons", "CoPs", "countries", "most used tags"])
    lines += ["", "## CoPs", ""]
    lines += _md_table(cop_table,
                       ["cop_id", "name", "school", "country", "cycle", "follows", "lessons"])
    lines += ["", "## Tags", ""]
    lines += [", ".join(f"{md_escape(r.tag)} ({r.lessons})" for r in tc.itertuples())
              if len(tc) else "No tags.", ""]
    for k in KIND_ORDER:
        sub = found[found["kind"] == k]
        if sub.empty:
            continue
        lines += [f"## {KIND_LABELS[k]}", ""]
        for country, part in _country_groups(sub):
            lines += [f"### Country: {md_escape(country)}", ""]
            for r in part.itertuples(index=False):
                meta = " · ".join(x for x in (
                    md_escape(r.cop_name if not _blank(r.cop_name) else r.cop_id),
                    md_escape(r.school) if not _blank(r.school) else "",
                    f"cycle {int(r.cycle)}" if not _blank(r.cycle) else "",
                    md_escape(_day(r.created_on))) if x)
                lines += [f"#### {md_escape(r.title)}", "", f"*{meta}*", ""]
                if not _blank(r.text):
                    lines += [md_escape(r.text), ""]
                if not _blank(r.tags):
                    lines += [f"Tags: {md_escape(r.tags)}", ""]
                if not _blank(r.link):
                    href = safe_link(r.link)
                    if href:
                        lines += [f"Link: [{md_escape(href)}]({_md_url(href)})", ""]
                    else:
                        lines += ["Link (not a web address, so not linked): "
                                  f"{md_escape(r.link)}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# ----------------------------------------------------------------------------- file
def write_harvest(store, out: str | os.PathLike, *, format: str | None = None, **filters) -> Path:
    """Write the harvest document to ``out`` and return its path.

    Parameters
    ----------
    store : Store
    out : path
        File to write; its folder is created.
    format : {"html", "md"}, optional
        Default: ``"md"`` when ``out`` ends in ``.md``, else ``"html"``.
    **filters
        Passed to :func:`harvest_html` / :func:`harvest_markdown`.

    >>> import tempfile, pathlib
    >>> import cocope_kit as ck
    >>> from cocope_kit.demo import write_demo
    >>> store = write_demo(ck.open_store(":memory:"))
    >>> out = write_harvest(store, pathlib.Path(tempfile.mkdtemp()) / "harvest.md", tags="co-teaching")
    >>> out.suffix, out.read_text(encoding="utf-8").count("#### ")
    ('.md', 2)
    """
    p = Path(out)
    fmt = _check_format(format if format is not None
                        else ("md" if p.suffix.lower() in (".md", ".markdown") else "html"))
    text = (harvest_markdown if fmt == "md" else harvest_html)(store, **filters)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p
