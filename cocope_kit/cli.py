"""The ``cocope`` command.

A thin layer: parse arguments, call the library, print the outcome. Bad input
ends with one clear message on stderr and exit code 1; a wrong command line
with exit code 2; success with 0. No traceback reaches the user unless
``--debug`` is given.

Examples
--------
>>> from cocope_kit.cli import main
>>> main(["--version"])
cocope 0.1.0
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import CocopeError

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors raise instead of exiting, so main() owns exit codes."""

    def error(self, message: str):
        raise _UsageExit(f"{self.prog}: error: {message}\n{self.format_usage().strip()}")


class _UsageExit(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``cocope`` with every sub-command."""
    p = _Parser(
        prog="cocope",
        description="Reflection and evaluation toolkit for Communities of Practice (CoPs) "
        "in inclusive school development.",
        epilog="Exit codes: 0 ok, 1 bad input, 2 wrong command line. "
        "Run 'cocope COMMAND --help' for the options of a command.",
    )
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("--debug", action="store_true", help="show full tracebacks (for bug reports)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("demo", help="write a demo store (default 4 CoPs)",
                       description="Write a deterministic demo store: 4 CoPs in Belgium, Austria, "
                       "Portugal and Slovakia, or N generated CoPs for benchmarks.")
    s.add_argument("--out", required=True, type=Path, help="store file to create (e.g. data/demo.sqlite)")
    s.add_argument("--cops", type=int, default=4, help="number of CoPs (default 4)")
    s.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    s.add_argument("--force", action="store_true", help="replace the file if it exists")

    s = sub.add_parser("import", help="import a CSV or XLSX file into a store (all or nothing)",
                       description="Import a CSV or XLSX file. The table is --table, or the file "
                       "name (member.csv), or, for a workbook, each sheet's name. Nothing is "
                       "stored if any row has a problem; every problem is listed with its row "
                       "and column.")
    s.add_argument("file", type=Path, help=".csv (UTF-8, comma or semicolon), .xlsx, or a "
                   "REFI-QDA .qdpx or .qdc (codes and codings)")
    s.add_argument("--store", required=True, type=_store_target, help="store file (created if missing)")
    s.add_argument("--table", help="target table (default: from the file or sheet name)")

    s = sub.add_parser("export", help="export every table to CSV, XLSX, SPSS or REFI-QDA "
                       "(pseudonymised)",
                       description="Export every table with a data dictionary (csv, xlsx; "
                       "with the tidy tables answers_long, construct_scores and item_codebook, "
                       "docs/exports.md), as "
                       "SPSS files with variable and value labels (sav, one per table and one "
                       "per survey instrument), or the interview codes as a REFI-QDA codebook "
                       "(qdc). People without consent (assent for students) are left out with "
                       "every row about them. Names are replaced by pseudonyms unless --names "
                       "is given.")
    s.add_argument("--store", required=True, type=_store_target)
    s.add_argument("--out", required=True, type=Path, help="folder to write into")
    s.add_argument("--format", choices=("csv", "xlsx", "sav", "qdc", "qdpx"), default="csv",
                   help="qdpx: a REFI-QDA project with the interviews, segments, codings "
                   "(coders as users) and codes")
    s.add_argument("--names", action="store_true", help="include real names (personal data!)")
    s.add_argument("--aggregates", action="store_true",
                   help="write the cross-CoP tables for outside readers instead (CSV, small "
                   "groups hidden as in the report; docs/privacy.md)")
    s.add_argument("--min-cell", type=int, default=5,
                   help="with --aggregates: smallest group a published number may be about")
    s.add_argument("--wide-waves", action="store_true",
                   help="sav only: survey files with one row per respondent, waves side by side")

    s = sub.add_parser("merge", help="merge stores of several schools into one",
                       description="Merge stores into --into (created if missing). An id that "
                       "appears in two stores with different content is reported and nothing "
                       "is merged.")
    s.add_argument("stores", nargs="+", type=_store_target, help="stores to merge")
    s.add_argument("--into", required=True, type=_store_target, help="target store")

    s = sub.add_parser("validate", help="check an instrument or data file and list every problem",
                       description="Check an instrument (.yaml) or a data file (.csv, .xlsx) "
                       "without storing anything. With --store, references to CoPs, members, "
                       "... are checked against that store too.")
    s.add_argument("file", type=Path)
    s.add_argument("--table", help="table of a data file (default: from the file name)")
    s.add_argument("--store", type=_store_target, help="check references against this store")

    s = sub.add_parser("info", help="what a store holds, per CoP")
    s.add_argument("--store", required=True, type=_store_target)

    s = sub.add_parser("report", help="write a self-contained HTML report (one CoP, or all side by side)",
                       description="Write one self-contained HTML file (charts embedded, no "
                       "internet needed; print it to PDF from a browser). With --cop: the CoP tree "
                       "report of one CoP (goal, plan, results); without: all CoPs side by side "
                       "by country and role. People without consent/assent are left out; names "
                       "are replaced by pseudonyms unless --names is given. With --out-dir, one "
                       "report per CoP and the cross-CoP report are written into a folder.")
    s.add_argument("--store", required=True, type=_store_target)
    where = s.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="HTML file to write (e.g. out/report.html)")
    where.add_argument("--out-dir", type=Path,
                       help="folder: write report_<cop>.html for every CoP and report_all.html")
    s.add_argument("--cop", help="cop_id of one CoP (default: all CoPs side by side)")
    s.add_argument("--names", action="store_true", help="show real names (personal data!)")
    s.add_argument("--min-cell", type=int, default=5,
                   help="hide groups smaller than this in tables by role group (default 5)")
    s.add_argument("--language", choices=("en", "de", "nl", "pt", "sk"),
                   help="language of the per-CoP report (default: the CoP's language); the "
                   "cross-CoP report is in English")
    s.add_argument("--as-of", help="day the plan and goals are seen from (YYYY-MM-DD; default today)")
    s.add_argument("--handout", type=Path, metavar="FILE.pdf",
                   help="with --cop: also write a 2-page A4 hand-out of the group view (PDF)")

    s = sub.add_parser("forget", help="erase a person everywhere (consent withdrawn), keep an audit entry",
                       description="Erase one member (consent or assent withdrawn): their rows, "
                       "and their name, id and pseudonym in other rows' text ([removed]); the file "
                       "is rewritten so its bytes keep no trace. An audit entry records that "
                       "a person was forgotten and when, not who.")
    s.add_argument("--store", required=True, type=_store_target)
    s.add_argument("--member", required=True, help="member_id of the person")
    s.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    s = sub.add_parser("harvest", help="write the knowledge harvest: lessons of all CoPs (HTML or Markdown)",
                       description="Write a standalone document with the lessons of every CoP in "
                       "the store, or those matching the filters, grouped by kind and country. "
                       "Names in lesson texts are replaced by pseudonyms (or 'a member' without "
                       "consent).")
    s.add_argument("--store", required=True, type=_store_target)
    s.add_argument("--out", required=True, type=Path, help="file to write (.html or .md)")
    s.add_argument("--format", choices=("html", "md"),
                   help="html or md (default: md for a .md file, else html)")
    s.add_argument("--text", help="words to find in title, text and tags (all must occur; "
                   "case and accents do not matter)")
    s.add_argument("--tag", action="append", help="a tag (repeat for several; a lesson with any "
                   "of them matches, or all of them with --all-tags)")
    s.add_argument("--all-tags", action="store_true", help="only lessons with every --tag")
    s.add_argument("--kind", action="append", help="success, challenge, unexpected_benefit, "
                   "side_effect, insight or resource (repeat for several)")
    s.add_argument("--country", action="append", help="ISO country code, e.g. AT (repeat for several)")
    s.add_argument("--cop", action="append", help="cop_id (repeat for several)")

    s = sub.add_parser("notebooks", help="copy the notebooks into a folder",
                       description="Copy the notebooks of the CoP cycle (00-05) into a "
                       "working folder, for use with "
                       "'jupyter lab' there. A notebook you changed is never overwritten "
                       "without --force.")
    s.add_argument("--out", required=True, type=Path, help="working folder (created when missing)")
    s.add_argument("--store", type=_store_target, help="store the notebooks open when COCOPE_STORE is not "
                   "set (default: data/demo.sqlite in the folder, created with the demo data)")
    s.add_argument("--force", action="store_true", help="replace notebooks you changed")

    s = sub.add_parser("poster", help="the CoP tree of one CoP as a printable poster (PDF, A3)",
                       description="Draw the CoP tree of one CoP (trunk: the shared goal; "
                       "branches: the action plan; fruits: progress and lessons) as a poster "
                       "for the wall, by pseudonym, in the CoP's language.")
    s.add_argument("--store", required=True, type=_store_target)
    s.add_argument("--cop", required=True, help="cop_id of the CoP")
    s.add_argument("--out", required=True, type=Path, help="file to write: .pdf (also .png, .svg)")
    s.add_argument("--paper", choices=["A3", "A4"], default="A3", help="landscape (default A3)")
    s.add_argument("--language", help="en, de, nl, pt or sk (default: the CoP's language)")
    s.add_argument("--as-of", help="day the tree shows (YYYY-MM-DD; default today)")
    _add_form_commands(sub)
    s = sub.add_parser("import-survey", help="import a LimeSurvey, KoboToolbox, Google Forms or "
                       "Microsoft Forms export (all or nothing)",
                       description="Import a survey-platform export (CSV or XLSX, one row per "
                       "respondent, one column per item) as responses to an instrument. Columns "
                       "are matched to items by id, platform code or question text (en, de, nl, "
                       "pt, sk; a similarity score is shown), answers to scale values by label. "
                       "--dry-run prints the mapping and writes MAP.yaml to edit and pass back "
                       "with --map. Nothing is stored unless every column and every answer "
                       "maps. Respondents get pseudonymous ids; e-mail addresses and names are "
                       "never stored. See docs/survey_import.md.")
    s.add_argument("file", type=Path, help="the export (.csv or .xlsx)")
    s.add_argument("--instrument", required=True, help="instrument id, e.g. working_together")
    s.add_argument("--cop", required=True, help="cop_id of the CoP (must be in the store)")
    s.add_argument("--wave", required=True, help="wave of every response, e.g. pre or post")
    s.add_argument("--store", required=True, type=_store_target, help="store file")
    s.add_argument("--map", type=Path, help="MAP.yaml to use exactly (with --dry-run: where to "
                   "write it; default FILE.map.yaml)")
    s.add_argument("--dry-run", action="store_true", help="match and check only; store nothing")
    s.add_argument("--language", help="language of the responses (default: of the question "
                   "texts, else the CoP's)")
    s.add_argument("--timezone", help="IANA zone of times without an offset (default UTC)")
    s.add_argument("--role", help="role of respondents whose row names none (e.g. teacher)")
    s.add_argument("--respondent-key", type=Path, help="file with a secret key for the "
                   "respondent pseudonyms (created when missing); the same key links pre and "
                   "post of one person. Default: a new key per import (no linking)")
    return p


# ---------------------------------------------------------------- participant forms (issue 14)


def _add_form_commands(sub) -> None:
    s = sub.add_parser("invite", help="create invitation cards (QR code and one-use link) for a form",
                       description="Create one invitation per member (or N anonymous cards) for a "
                       "questionnaire or the collaboration network, and write printable A4 cards. "
                       "Members without consent (students: without assent) are refused. The links "
                       "are shown only now: the store keeps a hash of each token.")
    s.add_argument("--store", required=True, type=_store_target)
    s.add_argument("--cop", required=True, help="cop_id")
    s.add_argument("--instrument", required=True,
                   help="questionnaire id, or collaboration_network for the network form")
    s.add_argument("--wave", required=True, help="pre, post, ...")
    who = s.add_mutually_exclusive_group(required=True)
    who.add_argument("--all-members", action="store_true", help="every current member")
    who.add_argument("--member", nargs="+", metavar="ID", help="these member ids")
    who.add_argument("--anonymous", type=int, metavar="N", help="N anonymous cards")
    s.add_argument("--language", help="two-letter code (default: the CoP's language)")
    s.add_argument("--audience", choices=("student", "adult"),
                   help="student: easy-read wording (default: from each member's role)")
    s.add_argument("--base-url", help="address of 'cocope forms' as phones reach it, e.g. "
                   "http://192.168.1.20:8866 (default: this computer's network address)")
    s.add_argument("--expires", type=float, default=14, metavar="DAYS",
                   help="days the links stay valid (default 14)")
    s.add_argument("--names", action="store_true", help="print names instead of pseudonyms")
    s.add_argument("--out", required=True, type=Path, help="cards page to write (.html)")
    s.add_argument("--links", type=Path, help="also write a CSV with columns member, url")

    s = sub.add_parser("invitations", help="who has answered: the invitation cards of a CoP; "
                       "revoke or reissue a card",
                       description="List the cards of a CoP (pseudonym or 'anonymous card N', "
                       "form, wave, opened, answered, expires) with totals. --revoke makes a "
                       "card's link open nothing; --reissue revokes a card and writes a new one "
                       "to --out.")
    s.add_argument("--store", required=True, type=_store_target)
    s.add_argument("--cop", required=True, help="cop_id")
    s.add_argument("--wave", help="only this wave")
    s.add_argument("--revoke", action="append", metavar="INVITATION_ID", default=[],
                   help="revoke this card (repeat for several)")
    s.add_argument("--reissue", action="append", metavar="INVITATION_ID", default=[],
                   help="revoke this card and make a new one (repeat; needs --out)")
    s.add_argument("--out", type=Path, help="cards page for the reissued cards (.html)")
    s.add_argument("--links", type=Path, help="CSV of the reissued cards' links")
    s.add_argument("--base-url", help="as for 'cocope invite'")
    s.add_argument("--names", action="store_true", help="print names instead of pseudonyms")

    s = sub.add_parser("forms", help="serve the participant forms (invitation links only)",
                       description="Serve the participant forms of a store: a link opens its "
                       "form only with a valid invitation token; nothing else is served. "
                       "Default: this computer only (127.0.0.1); --host 0.0.0.0 for the school "
                       "network.")
    s.add_argument("--store", required=True, type=_store_target)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    s.add_argument("--certfile", help="TLS certificate (PEM) for HTTPS")
    s.add_argument("--keyfile", help="TLS private key (PEM) for HTTPS")


def _base_url(given: str | None) -> str:
    if given:
        return given
    from .formserver import lan_address

    lan = lan_address()
    url = f"http://{lan or '127.0.0.1'}:8866"
    print(f"note: links use {url}; give --base-url if 'cocope forms' runs elsewhere",
          file=sys.stderr)
    return url


def _write_cards(cards, a, base_url: str) -> None:
    from .cards import write_cards, write_links

    print(f"wrote {len(cards)} cards to {write_cards(cards, a.out, base_url, names=a.names)}")
    if a.links:
        print(f"wrote links to {write_links(cards, a.links, base_url)}")


def _cmd_invite(a) -> int:
    from .invitations import create_invitations, invitation_url

    store = _existing_store(a.store)
    base_url = _base_url(a.base_url)
    invitation_url(base_url, "x")  # a bad --base-url fails before anything is created
    members = "all" if a.all_members else a.member
    if a.all_members:
        from .invitations import invitable_members

        out = invitable_members(store, a.cop)
        for r in out[~out["included"]].itertuples():
            print(f"note: no card for {r.pseudonym} ({r.reason})", file=sys.stderr)
    cards = create_invitations(store, a.cop, a.instrument, a.wave, members=members,
                               anonymous=a.anonymous or 0, language=a.language,
                               audience=a.audience, expires_days=a.expires)
    _write_cards(cards, a, base_url)
    return EXIT_OK


def _cmd_invitations(a) -> int:
    import pandas as pd

    from .errors import UsageError
    from .invitations import invitation_url, progress, progress_totals, reissue, revoke

    store = _existing_store(a.store)
    if a.reissue and not a.out:
        raise UsageError("--reissue writes new cards: give --out cards.html")
    base_url = _base_url(a.base_url) if a.reissue else None
    if base_url:
        invitation_url(base_url, "x")
    known = set(progress(store, a.cop)["invitation_id"])
    for inv_id in [*a.revoke, *a.reissue]:
        if inv_id not in known:
            raise UsageError(f"no invitation {inv_id!r} in CoP {a.cop!r}; "
                             "run 'cocope invitations' without options for the ids")
    for inv_id in a.revoke:
        revoke(store, inv_id)
        print(f"revoked {inv_id}")
    if a.reissue:
        cards = [reissue(store, inv_id) for inv_id in a.reissue]
        _write_cards(cards, a, base_url)
    table = progress(store, a.cop, wave=a.wave)
    if table.empty:
        print(f"no invitations for CoP {a.cop}" + (f", wave {a.wave}" if a.wave else ""))
        return EXIT_OK
    shown = table.assign(expires=table["expires_at"].str[:10],
                         opened=table["opened"].map({True: "yes", False: ""}),
                         answered=table["answered"].map({True: "yes", False: ""}))
    cols = ["card", "form", "wave", "opened", "answered", "expires", "status", "invitation_id"]
    with pd.option_context("display.width", 200, "display.max_rows", 1000,
                           "display.max_colwidth", 40):
        print(shown[cols].to_string(index=False))
        print()
        print(progress_totals(table).to_string(index=False))
    return EXIT_OK


def _cmd_forms(a) -> int:
    from .formserver import serve

    serve(a.store, host=a.host, port=a.port, certfile=a.certfile, keyfile=a.keyfile)
    return EXIT_OK


def _store_target(text: str) -> Path | str:
    """A ``--store`` value: a file path, or a ``postgresql://`` URL kept as written."""
    from .store_backend import is_postgres

    return text if is_postgres(text) else Path(text)


def _existing_store(path: Path | str):
    from .errors import StoreError
    from .store import open_store

    if isinstance(path, Path) and not path.exists():
        raise StoreError(f"store {path} not found")
    return open_store(path)


def _cmd_notebooks(a) -> int:
    from .workspace import copy_notebooks

    result = copy_notebooks(a.out, force=a.force, store=a.store)
    for rel in result.copied:
        print(("replaced  " if rel in result.replaced else "copied    ") + rel)
    print(f"{len(result.copied)} copied, {len(result.unchanged)} unchanged, into {result.folder}")
    print(f"next: cd {result.folder} && jupyter lab   (start with 00_start_here.ipynb)")
    return EXIT_OK


def _cmd_poster(a) -> int:
    from .charts import cop_tree, save
    from .errors import UsageError

    if a.out.suffix.lower() not in (".pdf", ".png", ".svg"):
        raise UsageError(f"--out {a.out}: the poster is written as .pdf, .png or .svg")
    store = _existing_store(a.store)
    from .i18n import reader_language, translator
    from .privacy import NamesMasked  # names typed into goals, steps and lessons

    fig = cop_tree(NamesMasked(store), a.cop, as_of=a.as_of, paper=a.paper,
                   language=a.language)
    cop = store.read("cop", where={"cop_id": a.cop}).iloc[0]
    tr = translator(a.language or reader_language(cop["language"]))
    title = tr.gettext('CoP tree of "{name}"').format(name=cop["name"])
    a.out.parent.mkdir(parents=True, exist_ok=True)
    save(fig, a.out, title=title, dpi=200 if a.out.suffix.lower() == ".png" else None)
    print(f"wrote the CoP tree of {a.cop} ({a.paper}) to {a.out}")
    return EXIT_OK


def _cmd_demo(a) -> int:
    from .demo import write_demo
    from .errors import UsageError

    if a.cops < 1:
        raise UsageError("--cops must be at least 1")
    if a.out.exists():
        if not a.force:
            raise UsageError(f"{a.out} exists; use --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(str(a.out) + suffix).unlink(missing_ok=True)
    a.out.parent.mkdir(parents=True, exist_ok=True)

    def progress(msg: str) -> None:
        print(f"  {msg}", file=sys.stderr, flush=True)

    store = write_demo(a.out, n_cops=a.cops, seed=a.seed, progress=progress if a.cops > 50 else None)
    n = store.count("cop")
    store.close()
    print(f"wrote demo store {a.out} with {n} CoPs")
    return EXIT_OK


def _cmd_import(a) -> int:
    from .store import open_store

    store = open_store(a.store)
    counts = store.import_file(a.file, table=a.table)
    for t, n in counts.items():
        print(f"imported {n} rows into {t} from {a.file}")
    return EXIT_OK


def _cmd_export(a) -> int:
    store = _existing_store(a.store)
    if a.aggregates:
        from .errors import UsageError
        from .report_cross import write_aggregates

        if a.names or a.format != "csv" or a.wide_waves:
            raise UsageError("--aggregates writes CSV tables about groups: drop --names, "
                             "--format and --wide-waves")
        files = write_aggregates(store, a.out, k=a.min_cell)
        print(f"wrote {len(files)} files to {a.out} (aggregates for outside readers: groups of "
              f"fewer than {a.min_cell} people hidden)")
        return EXIT_OK
    files = store.export(a.out, format=a.format, names=a.names, wide_waves=a.wide_waves)
    print(f"wrote {len(files)} files to {a.out}" + ("" if a.names else " (pseudonymised)"))
    print("row-level data (microdata): for researchers under a data agreement, not for "
          "publication; small groups are not hidden here (publish from the report or "
          "--aggregates; docs/privacy.md)")
    if a.format != "qdc":
        from .privacy import consent_register

        register = consent_register(store.read("member"), store.read("consent"))
        out = int((~register.included).sum())
        if out:
            print(f"left out {out} {'person' if out == 1 else 'people'} without consent or "
                  f"assent, with every row about them")
    return EXIT_OK


def _cmd_merge(a) -> int:
    from .store import open_store

    store = open_store(a.into)
    report = store.merge(*a.stores)
    data = report[(report.table != "audit")]
    for src, rows in data.groupby("source", sort=False):
        added = rows[rows.added > 0]
        detail = ", ".join(f"{t} {n}" for t, n in zip(added.table, added.added, strict=True))
        print(f"merged {src}: {int(rows.added.sum())} rows added"
              + (f" ({detail})" if detail else "")
              + f", {int(rows.identical.sum())} already present")
    return EXIT_OK


def _cmd_validate(a) -> int:
    suffix = a.file.suffix.lower()
    if suffix in (".yaml", ".yml"):
        from .instruments import validate_instrument_file

        inst = validate_instrument_file(a.file)
        print(f"ok: instrument {inst.id} version {inst.version}, {len(inst.items)} items")
        return EXIT_OK
    from . import schema
    from .errors import Problem, ValidationError
    from .tabular import read_table_file

    table = a.table or a.file.stem.lower()
    if table not in schema.TABLES:
        raise ValidationError([Problem("file", None, None, None,
                                       f"cannot tell which table {a.file.name!r} is for; pass --table "
                                       f"({', '.join(schema.TABLE_ORDER)})", str(a.file))])
    tf = read_table_file(a.file, expected=schema.TABLES[table].column_names)
    refs = None
    if a.store is not None:
        store = _existing_store(a.store)
        refs = {}
        for col in schema.TABLES[table].columns:
            if col.ref:
                rt, rc = col.ref
                refs[f"{rt}.{rc}"] = set(store.read(rt)[rc].dropna())
    schema.validate(table, tf.frame.reset_index(drop=True), source=str(a.file),
                    row_numbers=list(tf.frame.index), header_row=tf.header_row, refs=refs)
    print(f"ok: {len(tf.frame)} rows of table {table} in {a.file}"
          + ("" if refs is not None else " (references not checked; pass --store to check them)"))
    return EXIT_OK


def _cmd_info(a) -> int:
    import pandas as pd

    store = _existing_store(a.store)
    info = store.info()
    print(f"store {a.store} (schema version {store.schema_version})")
    if info.empty:
        print("no CoPs yet")
        return EXIT_OK
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.max_rows", 60):
        shown = info if len(info) <= 40 else info.head(40)
        print(shown.drop(columns=["name", "school"]).to_string(index=False))
        if len(info) > 40:
            print(f"... {len(info) - 40} more CoPs")
    totals = {t: store.count(t) for t in ("member", "response", "answer", "pair_rating", "interview")}
    print(f"{len(info)} CoPs; " + ", ".join(f"{n} {t} rows" for t, n in totals.items()))
    return EXIT_OK


def _cmd_forget(a) -> int:
    store = _existing_store(a.store)
    if not a.yes:
        if not sys.stdin.isatty():
            from .errors import UsageError

            raise UsageError("forget erases data for good; add --yes to confirm when not running interactively")
        answer = input(f"Erase every row of member {a.member} from {a.store}? Type 'yes': ")
        if answer.strip().lower() != "yes":
            print("nothing erased")
            return EXIT_OK
    import warnings

    from .erasure import ErasureWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ErasureWarning)
        counts = store.forget(a.member)
    total = sum(counts.values())
    print(f"erased member {a.member}: {total} rows deleted or changed ("
          + ", ".join(f"{t} {n}" for t, n in counts.items())
          + "); the audit records that a person was forgotten, not who")
    for w in caught:
        if isinstance(w.message, ErasureWarning):
            print(f"warning: {w.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return EXIT_OK


def _cmd_report(a) -> int:
    from .errors import UsageError
    from .report import write_report, write_reports

    store = _existing_store(a.store)
    kw = dict(names=a.names, min_cell=a.min_cell, language=a.language, as_of=a.as_of)
    if a.out_dir is not None:
        if a.cop is not None:
            raise UsageError("--cop goes with --out, not with --out-dir (which writes every CoP)")
        if a.handout is not None:
            raise UsageError("--handout goes with --cop and --out (one CoP's group view)")
        paths = write_reports(store, a.out_dir, **kw)
    else:
        if a.handout is not None and a.cop is None:
            raise UsageError("--handout goes with --cop (the hand-out is one CoP's group view)")
        paths = [write_report(store, a.out, cop_id=a.cop, **kw)]
    for path in paths:
        print(f"wrote report {path}")
    if a.handout is not None:
        from .report_handout import write_handout

        out = write_handout(store, a.cop, a.handout, as_of=a.as_of, language=a.language,
                            names=a.names)
        print(f"wrote hand-out {out}")
    return EXIT_OK


def _cmd_harvest(a) -> int:
    from .harvest_doc import write_harvest

    store = _existing_store(a.store)
    path = write_harvest(store, a.out, format=a.format, text=a.text, tags=a.tag,
                         tag_match="all" if a.all_tags else "any", kind=a.kind,
                         country=a.country, cop_ids=a.cop)
    print(f"wrote harvest {path}")
    return EXIT_OK


def _cmd_import_survey(a) -> int:
    from .survey_import import format_map, import_survey, respondent_key

    store = _existing_store(a.store)
    key = respondent_key(a.respondent_key) if a.respondent_key is not None else None
    r = import_survey(store, a.file, a.instrument, cop_id=a.cop, wave=a.wave, map_path=a.map,
                      dry_run=a.dry_run, language=a.language, timezone=a.timezone, role=a.role,
                      key=key)
    if not a.dry_run:
        print(f"imported {r.responses} responses with {r.answers} answers to {a.instrument} "
              f"(CoP {a.cop}, wave {a.wave}) from {a.file}"
              + (f"; {len(r.skipped_rows)} rows without answers skipped" if r.skipped_rows else ""))
        return EXIT_OK
    print(format_map(r.map))
    if r.map_path is not None:
        print(f"wrote map {r.map_path}: check it, then import with --map {r.map_path}")
    elif a.map is None or not a.map.exists():
        from .survey_import import default_map_path

        print(f"map {a.map or default_map_path(a.file)} exists and was not overwritten; "
              "pass it with --map or delete it")
    if r.problems:
        from .survey_format import SurveyImportError

        print(f"error: {SurveyImportError(list(r.problems), f'file {a.file} (dry run)')}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"dry run: {r.responses} responses with {r.answers} answers would be stored; "
          "nothing was stored")
    return EXIT_OK


_COMMANDS = {
    "harvest": _cmd_harvest,
    "demo": _cmd_demo,
    "import": _cmd_import,
    "export": _cmd_export,
    "merge": _cmd_merge,
    "validate": _cmd_validate,
    "info": _cmd_info,
    "forget": _cmd_forget,
    "report": _cmd_report,
    "notebooks": _cmd_notebooks,
    "poster": _cmd_poster,
    "invite": _cmd_invite,
    "invitations": _cmd_invitations,
    "forms": _cmd_forms,
    "import-survey": _cmd_import_survey,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cocope`` with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except _UsageExit as e:
        print(str(e), file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as e:  # --help
        return int(e.code or 0)
    if args.version:
        print(f"cocope {__version__}")
        return EXIT_OK
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return _COMMANDS[args.command](args)
    except CocopeError as e:
        if args.debug:
            raise
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as e:  # unreadable file, full disk, no permission: the user's to fix
        if args.debug:
            raise
        print(f"error: {e.strerror or e}" + (f": {e.filename}" if e.filename else ""), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as e:  # noqa: BLE001 - last line of defence: no traceback for users
        if args.debug:
            raise
        print(f"error: unexpected {e.__class__.__name__}: {e}\n"
              "This is a bug in cocope_kit; run again with --debug and report the output.",
              file=sys.stderr)
        return EXIT_BAD_INPUT


def _entry() -> None:  # pragma: no cover - console script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    _entry()
