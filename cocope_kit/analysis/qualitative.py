"""Interviews: segments, code frequencies, co-occurrence, agreement between coders, quotes.

Transcripts are cut into segments with
:func:`cocope_kit.interviews.split_segments` (paragraphs separated by blank
lines, numbered from 1), the same rule the coding panel uses, so
``coding.segment`` points at the right paragraph. The reserved code
:data:`cocope_kit.interviews.NO_CODE_ID` ("no code applies") marks a segment
as looked at; it is never counted as a code, but it makes a segment count as
coded by that coder.

Which segments are compared between coders
    A segment counts for agreement when **each** of the two coders gave it at
    least one coding ("no code applies" included): both looked at it. For
    each code, a coder's judgement on such a segment is *present* (they gave
    it the code) or *absent*.

Examples
--------
>>> from cocope_kit.demo import demo_tables
>>> from cocope_kit.analysis import coder_agreement
>>> t = demo_tables()
>>> ag = coder_agreement(t["coding"])
>>> ag[["code_id", "n_segments", "both", "agreement", "kappa"]].head(3).round(2)
                               code_id  n_segments  both  agreement  kappa
0          cocope-themes:communication          46     9       0.96   0.87
1     cocope-themes:leadership_support          46     5       1.00   1.00
2  cocope-themes:shared_responsibility          46    10       1.00   1.00
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..schema import TEXT_DTYPE
from ._util import _memo
from .load import COP_COLUMNS, _by, _frame, _grouped, _role_group, _with_cop

__all__ = [
    "segments",
    "code_frequencies",
    "cooccurrence",
    "coder_agreement",
    "disagreements",
    "exemplar_quotes",
]

_SEG = ["interview_id", "segment"]


def _no_code() -> str:
    from ..interviews import NO_CODE_ID

    return NO_CODE_ID


def _codings(coding: pd.DataFrame) -> pd.DataFrame:
    c = _frame("coding", coding, param="coding",
               need=("interview_id", "segment", "code_id", "coder"))
    c = c.dropna(subset=["interview_id", "segment", "code_id", "coder"])
    c = c.drop_duplicates(["interview_id", "segment", "code_id", "coder"])
    c = c.assign(segment=c["segment"].astype("int64"))
    return c[["interview_id", "segment", "code_id", "coder"]].reset_index(drop=True)


def _check_coders(coders: object) -> tuple[str, str]:
    if (isinstance(coders, str) or not isinstance(coders, Sequence) or len(coders) != 2
            or not all(isinstance(c, str) and c for c in coders) or coders[0] == coders[1]):
        raise UsageError(f"coders must be two different coder names, e.g. ('coder_a', "
                         f"'coder_b'), got {coders!r}")
    return coders[0], coders[1]


def _paragraphs(text: str) -> list[str]:
    """The segment texts of :func:`cocope_kit.interviews.split_segments`, without a frame.

    Same rule (paragraphs separated by blank lines, whitespace runs reduced to
    one space); a test checks both agree on arbitrary text. Building one
    frame for all transcripts instead of one per transcript is ~50x faster.
    """
    out: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            out.append(" ".join(" ".join(current).split()))
            current = []
    if current:
        out.append(" ".join(" ".join(current).split()))
    return out


@_memo
def segments(interviews: pd.DataFrame) -> pd.DataFrame:
    """Every transcript cut into numbered segments (paragraphs).

    Parameters
    ----------
    interviews : pandas.DataFrame
        Rows of the ``interview`` table.

    Returns
    -------
    pandas.DataFrame
        One row per segment, sorted by ``interview_id, segment``:
        ``interview_id, cop_id, respondent_id, respondent_role, segment``
        (int, from 1), ``text`` (whitespace runs reduced to one space) and
        ``n_words`` (int). Interviews without a transcript have no rows.

    Notes
    -----
    The rule of :func:`cocope_kit.interviews.split_segments` (checked to give
    the same segments), applied to all transcripts into one frame.

    Examples
    --------
    >>> import pandas as pd
    >>> iv = pd.DataFrame({"interview_id": ["iv1"], "cop_id": "c", "respondent_id": "p",
    ...                    "respondent_role": "student",
    ...                    "transcript": ["I: How was it?\\n\\nR: Good.   We\\nplayed."]})
    >>> segments(iv)[["segment", "text", "n_words"]]
       segment                text  n_words
    0        1      I: How was it?        4
    1        2  R: Good. We played.        4
    """
    iv = _frame("interview", interviews, param="interviews", need=("interview_id", "transcript"))
    iv = iv.dropna(subset=["interview_id", "transcript"]).drop_duplicates("interview_id")
    parts = [_paragraphs(t) for t in iv["transcript"]]
    n = np.array([len(p) for p in parts], dtype=np.int64)
    rep = np.repeat(np.arange(len(iv)), n)
    seg = pd.DataFrame({
        "segment": np.concatenate([np.arange(1, k + 1) for k in n]) if len(n) else np.zeros(0),
        "text": pd.Series([x for p in parts for x in p], dtype=TEXT_DTYPE),
    })
    out = pd.DataFrame({c: iv[c].to_numpy()[rep] for c in
                        ("interview_id", "cop_id", "respondent_id", "respondent_role")})
    for c in out.columns:
        out[c] = out[c].astype(TEXT_DTYPE)
    out["segment"] = seg["segment"].to_numpy(dtype="int64")
    out["text"] = seg["text"].astype(TEXT_DTYPE).to_numpy()
    out["n_words"] = out["text"].str.split().str.len().fillna(0).astype("int64")
    return out.sort_values(_SEG, kind="mergesort").reset_index(drop=True)


def code_frequencies(
    coding: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame | None = None,
    *,
    by: str | Sequence[str] = ("cop_id", "respondent_role"),
    coder: str | None = None,
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How often each code was given, per CoP, respondent role, ... (segments and interviews).

    Parameters
    ----------
    coding, interviews : pandas.DataFrame
        Rows of the ``coding`` and ``interview`` tables (codings of
        interviews not in ``interviews`` are left out).
    codes : pandas.DataFrame, optional
        Rows of the ``code`` table: adds ``label`` and lists every code of the
        codebook, also those never given (count 0).
    by : str or sequence of str, default ("cop_id", "respondent_role")
        Any of ``cop_id, respondent_role, role_group, interview_id,
        language`` and (with ``cop``) ``school, country, cycle``.
    coder : str, optional
        Count only this coder's codings. Default: a segment has a code when
        any coder gave it.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group and code, sorted by group then ``code_id``: the
        ``by`` columns, ``code_id``, ``label`` (missing without ``codes``),
        ``segments`` (int: segments with the code), ``interviews`` (int:
        interviews with it), ``total_segments`` and ``total_interviews``
        (int: in the group's interviews), ``share_segments`` and
        ``share_interviews``. "No code applies" is not listed.

    Examples
    --------
    >>> import pandas as pd
    >>> iv = pd.DataFrame({"interview_id": ["a", "b"], "cop_id": "c",
    ...                    "respondent_role": ["student", "teacher"],
    ...                    "transcript": ["One.\\n\\nTwo.", "Only one."]})
    >>> cd = pd.DataFrame({"interview_id": ["a", "a", "a", "b"], "segment": [1, 2, 2, 1],
    ...                    "code_id": ["trust", "trust", "trust", "time"],
    ...                    "coder": ["x", "x", "y", "x"]})
    >>> code_frequencies(cd, iv, by="cop_id")[["code_id", "segments", "interviews",
    ...                                         "share_segments"]]
      code_id  segments  interviews  share_segments
    0    time         1           1        0.333333
    1   trust         2           1        0.666667
    """
    keys = _by(by, ("cop_id", "respondent_role", "role_group", "interview_id", "language",
                    *[c for c in COP_COLUMNS if c != "language"]))
    iv = _frame("interview", interviews, param="interviews", need=("interview_id",))
    iv = iv.dropna(subset=["interview_id"]).drop_duplicates("interview_id")
    iv = iv.assign(role_group=_role_group(iv["respondent_role"]))
    iv = _with_cop(iv, keys, cop).reset_index(drop=True)
    seg = segments(iv)[["interview_id"]].merge(iv[["interview_id", *keys]], on="interview_id")
    c = _codings(coding)
    if coder is not None:
        c = c[(c["coder"] == coder).to_numpy()]
    c = c[(c["code_id"] != _no_code()).to_numpy()]
    c = c.drop_duplicates(["interview_id", "segment", "code_id"])
    c = c.merge(iv[["interview_id", *keys]], on="interview_id")
    tot = _grouped(seg, keys, total_segments=("interview_id", "size"),
                   total_interviews=("interview_id", "nunique"))
    if not keys and len(tot) == 0:
        tot = pd.DataFrame({"total_segments": [0], "total_interviews": [0]})
    cnt = _grouped(c, [*keys, "code_id"], segments=("segment", "size"),
                   interviews=("interview_id", "nunique"))
    code_list = sorted(set(c["code_id"]))
    labels = pd.Series(dtype=TEXT_DTYPE)
    if codes is not None:
        cd = _frame("code", codes, param="codes", need=("code_id",))
        cd = cd.dropna(subset=["code_id"]).drop_duplicates("code_id")
        cd = cd[(cd["code_id"] != _no_code()).to_numpy()]
        code_list = sorted(set(code_list) | set(cd["code_id"]))
        labels = cd.set_index("code_id")["label"]
    grid = tot.merge(pd.DataFrame({"code_id": pd.Series(code_list, dtype=TEXT_DTYPE)}),
                     how="cross")
    out = grid.merge(cnt, on=[*keys, "code_id"], how="left")
    out["segments"] = out["segments"].fillna(0).astype("int64")
    out["interviews"] = out["interviews"].fillna(0).astype("int64")
    out["label"] = out["code_id"].map(labels).astype(TEXT_DTYPE)
    out["total_segments"] = out["total_segments"].astype("int64")
    out["total_interviews"] = out["total_interviews"].astype("int64")
    out["share_segments"] = (out["segments"] / out["total_segments"].where(
        out["total_segments"] > 0)).astype(float)
    out["share_interviews"] = (out["interviews"] / out["total_interviews"].where(
        out["total_interviews"] > 0)).astype(float)
    out = out.sort_values([*keys, "code_id"], kind="mergesort").reset_index(drop=True)
    return out[[*keys, "code_id", "label", "segments", "interviews", "total_segments",
                "total_interviews", "share_segments", "share_interviews"]]


def cooccurrence(coding: pd.DataFrame, *, coder: str | None = None) -> pd.DataFrame:
    """How often two codes were given to the same segment, in long form.

    Parameters
    ----------
    coding : pandas.DataFrame
        Rows of the ``coding`` table.
    coder : str, optional
        Only this coder's codings. Default: a segment has a code when any
        coder gave it.

    Returns
    -------
    pandas.DataFrame
        One row per pair of codes given together at least once, ``code_a <
        code_b``, sorted by ``segments`` (descending), ``code_a``,
        ``code_b``: ``code_a, code_b, segments`` (int). "No code applies" is
        left out.

    Examples
    --------
    >>> import pandas as pd
    >>> cd = pd.DataFrame({"interview_id": "a", "segment": [1, 1, 1, 2, 2],
    ...                    "code_id": ["trust", "time", "voice", "trust", "time"],
    ...                    "coder": "x"})
    >>> cooccurrence(cd)
      code_a code_b  segments
    0   time  trust         2
    1   time  voice         1
    2  trust  voice         1
    """
    c = _codings(coding)
    if coder is not None:
        c = c[(c["coder"] == coder).to_numpy()]
    c = c[(c["code_id"] != _no_code()).to_numpy()]
    c = c.drop_duplicates([*_SEG, "code_id"])[[*_SEG, "code_id"]]
    pairs = c.merge(c, on=_SEG, suffixes=("_a", "_b"))
    pairs = pairs[(pairs["code_id_a"] < pairs["code_id_b"]).to_numpy()]
    out = pairs.groupby(["code_id_a", "code_id_b"]).size().rename("segments").reset_index()
    out = out.rename(columns={"code_id_a": "code_a", "code_id_b": "code_b"})
    out["code_a"] = out["code_a"].astype(TEXT_DTYPE)
    out["code_b"] = out["code_b"].astype(TEXT_DTYPE)
    out["segments"] = out["segments"].astype("int64")
    out = out.sort_values(["segments", "code_a", "code_b"], ascending=[False, True, True],
                          kind="mergesort")
    return out.reset_index(drop=True)


@_memo
def _presence(coding: pd.DataFrame, coders: tuple[str, str]) -> pd.DataFrame:
    """Per compared segment (both coders coded it) and code: present for the first, second."""
    first, second = coders
    c = _codings(coding)
    c = c[c["coder"].isin(coders).to_numpy()]
    done = c.groupby(_SEG)["coder"].nunique()
    both = done[done == 2].index.to_frame(index=False)
    c = c.merge(both, on=_SEG)
    c = c[(c["code_id"] != _no_code()).to_numpy()]
    codes = pd.DataFrame({"code_id": sorted(set(c["code_id"]))})
    grid = both.merge(codes, how="cross")
    a = c[(c["coder"] == first).to_numpy()][[*_SEG, "code_id"]].assign(first=True)
    b = c[(c["coder"] == second).to_numpy()][[*_SEG, "code_id"]].assign(second=True)
    grid = grid.merge(a, on=[*_SEG, "code_id"], how="left").merge(b, on=[*_SEG, "code_id"],
                                                                 how="left")
    grid["first"] = grid["first"].fillna(False).astype(bool)
    grid["second"] = grid["second"].fillna(False).astype(bool)
    grid.attrs["n_segments"] = len(both)
    return grid


def coder_agreement(
    coding: pd.DataFrame,
    *,
    coders: Sequence[str] = ("coder_a", "coder_b"),
) -> pd.DataFrame:
    """Agreement between two coders, code by code (presence or absence on each segment).

    Parameters
    ----------
    coding : pandas.DataFrame
        Rows of the ``coding`` table.
    coders : pair of str, default ("coder_a", "coder_b")
        The two coders to compare.

    Returns
    -------
    pandas.DataFrame
        One row per code either coder gave on a compared segment (module
        docstring), sorted by ``code_id``: ``code_id``, ``n_segments`` (int:
        compared segments), ``both``, ``first_only``, ``second_only``,
        ``neither`` (int: segments where both, only the first coder, only the
        second, or neither gave the code), ``agreement`` (share of segments
        where they agree), ``kappa`` (Cohen's kappa of presence/absence, equal
        to :func:`cocope_kit.stats.cohen_kappa`) and ``alpha`` (Krippendorff's
        alpha, nominal, equal to :func:`cocope_kit.stats.krippendorff_alpha`;
        both worked out for all codes at once from each code's 2 x 2 table). Kappa
        and alpha are NaN when both coders always agree on absence (no
        variation).

    Raises
    ------
    UsageError
        If ``coders`` is not two different names.

    Examples
    --------
    >>> import pandas as pd
    >>> cd = pd.DataFrame({"interview_id": "a", "segment": [1, 1, 2, 2, 3, 3, 4, 4],
    ...     "code_id": ["trust", "trust", "trust", "cocope:no_code", "cocope:no_code",
    ...                 "cocope:no_code", "trust", "trust"],
    ...     "coder": ["coder_a", "coder_b"] * 4})
    >>> coder_agreement(cd)[["code_id", "n_segments", "both", "first_only", "agreement",
    ...                      "kappa"]]
      code_id  n_segments  both  first_only  agreement  kappa
    0   trust           4     2           1       0.75    0.5
    """
    pair = _check_coders(coders)
    g = _presence(coding, pair)
    n_seg = g.attrs["n_segments"]
    # the 2 x 2 table of every code at once; kappa and alpha follow from it in closed form
    a = g["first"].to_numpy(dtype=bool)
    b = g["second"].to_numpy(dtype=bool)
    cells = pd.DataFrame({"code_id": g["code_id"].to_numpy(dtype=object), "both": a & b,
                          "first_only": a & ~b, "second_only": ~a & b, "neither": ~a & ~b})
    out = cells.groupby("code_id", sort=True).sum().astype("int64").reset_index()
    both, fo, so, ne = (out[c].to_numpy(dtype=float)
                        for c in ("both", "first_only", "second_only", "neither"))
    n = both + fo + so + ne
    with np.errstate(invalid="ignore", divide="ignore"):
        # Cohen's kappa of presence/absence: (p_o - p_e) / (1 - p_e), chance from the margins
        p_o = (both + ne) / n
        p1, p2 = (both + fo) / n, (both + so) / n
        p_e = p1 * p2 + (1 - p1) * (1 - p2)
        kappa = (p_o - p_e) / (1 - p_e)
        # Krippendorff's nominal alpha, two coders, no missing values: from the coincidence
        # matrix, alpha = 1 - (N - 1) * d / (n_0 * n_1), N = 2n values, d disagreeing units
        big_n, d = 2 * n, fo + so
        n_1, n_0 = 2 * both + d, 2 * ne + d
        alpha = 1 - (big_n - 1) * d / (n_0 * n_1)
    varied = (both + fo + so > 0) & (ne + fo + so > 0)  # not all absent, not all present
    out["n_segments"] = n_seg
    out["agreement"] = p_o
    out["kappa"] = np.where(varied, kappa, np.nan)
    out["alpha"] = np.where(varied, alpha, np.nan)
    out = out[["code_id", "n_segments", "both", "first_only", "second_only", "neither",
               "agreement", "kappa", "alpha"]]
    out["code_id"] = out["code_id"].astype(TEXT_DTYPE)
    for c in ("n_segments", "both", "first_only", "second_only", "neither"):
        out[c] = out[c].astype("int64")
    for c in ("agreement", "kappa", "alpha"):
        out[c] = out[c].astype(float)
    return out


def disagreements(
    coding: pd.DataFrame,
    interviews: pd.DataFrame | None = None,
    *,
    coders: Sequence[str] = ("coder_a", "coder_b"),
) -> pd.DataFrame:
    """Every code one coder gave a segment and the other did not: the list to discuss.

    Parameters
    ----------
    coding : pandas.DataFrame
        Rows of the ``coding`` table.
    interviews : pandas.DataFrame, optional
        Rows of the ``interview`` table: adds ``cop_id`` and the segment's ``text``.
    coders : pair of str, default ("coder_a", "coder_b")

    Returns
    -------
    pandas.DataFrame
        One row per compared segment and disputed code, sorted by
        ``interview_id, segment, code_id``: ``interview_id, cop_id, segment``
        (int), ``code_id``, ``coded_by`` (the coder who gave it),
        ``not_coded_by`` (the one who did not), ``text`` (the segment;
        ``cop_id`` and ``text`` missing without ``interviews``).

    Examples
    --------
    >>> import pandas as pd
    >>> cd = pd.DataFrame({"interview_id": "a", "segment": [1, 1, 1],
    ...                    "code_id": ["trust", "trust", "time"],
    ...                    "coder": ["coder_a", "coder_b", "coder_b"]})
    >>> disagreements(cd)[["segment", "code_id", "coded_by", "not_coded_by"]]
       segment code_id coded_by not_coded_by
    0        1    time  coder_b      coder_a
    """
    first, second = _check_coders(coders)
    g = _presence(coding, (first, second))
    g = g[(g["first"] != g["second"]).to_numpy()]
    out = pd.DataFrame({
        "interview_id": g["interview_id"].astype(TEXT_DTYPE).to_numpy(),
        "segment": g["segment"].to_numpy(dtype="int64"),
        "code_id": g["code_id"].astype(TEXT_DTYPE).to_numpy(),
        "coded_by": np.where(g["first"], first, second),
        "not_coded_by": np.where(g["first"], second, first),
    })
    out["coded_by"] = out["coded_by"].astype(TEXT_DTYPE)
    out["not_coded_by"] = out["not_coded_by"].astype(TEXT_DTYPE)
    cop_id = pd.Series([None] * len(out), dtype=TEXT_DTYPE)
    text = pd.Series([None] * len(out), dtype=TEXT_DTYPE)
    if interviews is not None:
        seg = segments(interviews)
        m = out[_SEG].merge(seg[[*_SEG, "cop_id", "text"]], on=_SEG, how="left")
        cop_id, text = m["cop_id"].astype(TEXT_DTYPE), m["text"].astype(TEXT_DTYPE)
    out.insert(1, "cop_id", cop_id.to_numpy())
    out["cop_id"] = out["cop_id"].astype(TEXT_DTYPE)
    out["text"] = pd.Series(text.to_numpy(), dtype=TEXT_DTYPE)
    return out.sort_values([*_SEG, "code_id"], kind="mergesort").reset_index(drop=True)


def exemplar_quotes(
    coding: pd.DataFrame,
    interviews: pd.DataFrame,
    codes: pd.DataFrame | None = None,
    *,
    n: int = 2,
    coders: Sequence[str] = ("coder_a", "coder_b"),
) -> pd.DataFrame:
    """Up to ``n`` quotes per code that illustrate it best, from segments both coders agree on.

    Parameters
    ----------
    coding, interviews : pandas.DataFrame
        Rows of the ``coding`` and ``interview`` tables.
    codes : pandas.DataFrame, optional
        Rows of the ``code`` table: adds ``label``.
    n : int, default 2
        Quotes per code (at least 1).
    coders : pair of str, default ("coder_a", "coder_b")
        Both must have given the code to the segment.

    Returns
    -------
    pandas.DataFrame
        Sorted by ``code_id, rank``: ``code_id, label, rank`` (int, 1 = best),
        ``interview_id, cop_id, respondent_role, segment`` (int), ``text``,
        ``n_codes`` (int: codes both coders gave the segment) and
        ``n_words`` (int).

    Notes
    -----
    Choice (the kit's own, so quotes are short and about one thing): among
    the segments both coders gave the code, fewest agreed codes first (a
    segment about this code only), then fewest words, then a segment from an
    interview not quoted yet for the code, then ``interview_id`` and
    ``segment``. Only one quote per interview is taken until every
    interview with such a segment has given one.

    Examples
    --------
    >>> import pandas as pd
    >>> iv = pd.DataFrame({"interview_id": ["a"], "cop_id": "c", "respondent_role": "parent",
    ...                    "transcript": ["We trust each other now.\\n\\nTrust grew and time "
    ...                                   "was short."]})
    >>> cd = pd.DataFrame({"interview_id": "a", "segment": [1, 1, 2, 2, 2, 2],
    ...     "code_id": ["trust", "trust", "trust", "trust", "time", "time"],
    ...     "coder": ["coder_a", "coder_b"] * 3})
    >>> exemplar_quotes(cd, iv, n=1)[["code_id", "rank", "segment", "text"]]
      code_id  rank  segment                          text
    0    time     1        2  Trust grew and time was short.
    1   trust     1        1        We trust each other now.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise UsageError(f"n must be a whole number of at least 1, got {n!r}")
    pair = _check_coders(coders)
    g = _presence(coding, pair)
    agreed = g[(g["first"] & g["second"]).to_numpy()][[*_SEG, "code_id"]]
    n_codes = agreed.groupby(_SEG).size().rename("n_codes").reset_index()
    seg = segments(interviews)
    q = agreed.merge(n_codes, on=_SEG).merge(seg, on=_SEG)
    q = q.sort_values(["code_id", "n_codes", "n_words", "interview_id", "segment"],
                      kind="mergesort")
    q["_within"] = q.groupby(["code_id", "interview_id"]).cumcount()
    q = q.sort_values(["code_id", "_within", "n_codes", "n_words", "interview_id", "segment"],
                      kind="mergesort")
    q["rank"] = q.groupby("code_id").cumcount() + 1
    q = q[q["rank"] <= n]
    labels = pd.Series(dtype=TEXT_DTYPE)
    if codes is not None:
        cd = _frame("code", codes, param="codes", need=("code_id",))
        labels = cd.dropna(subset=["code_id"]).drop_duplicates("code_id").set_index(
            "code_id")["label"]
    out = pd.DataFrame({
        "code_id": q["code_id"].astype(TEXT_DTYPE).to_numpy(),
        "label": q["code_id"].map(labels).astype(TEXT_DTYPE).to_numpy(),
        "rank": q["rank"].to_numpy(dtype="int64"),
        "interview_id": q["interview_id"].astype(TEXT_DTYPE).to_numpy(),
        "cop_id": q["cop_id"].astype(TEXT_DTYPE).to_numpy(),
        "respondent_role": q["respondent_role"].astype(TEXT_DTYPE).to_numpy(),
        "segment": q["segment"].to_numpy(dtype="int64"),
        "text": q["text"].astype(TEXT_DTYPE).to_numpy(),
        "n_codes": q["n_codes"].to_numpy(dtype="int64"),
        "n_words": q["n_words"].to_numpy(dtype="int64"),
    })
    for c in ("code_id", "label", "interview_id", "cop_id", "respondent_role", "text"):
        out[c] = out[c].astype(TEXT_DTYPE)
    return out.reset_index(drop=True)
