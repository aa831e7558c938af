"""Who is responsible for which step of the action plan (meeting 2): a steps × members grid.

Lead, sole owner and shared responsibility differ by symbol (star, filled
disc, ring) and colour; steps without anyone responsible are written in
vermillion (a problem). Members are shown by pseudonym, coloured by role group.
Texts are in the reader's language (``language=``, English by default).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> rm = pd.DataFrame({"action_id": ["a1", "a1", "a2"], "member_id": ["t", "s", "t"],
...                    "responsibility": ["lead", "shared", "sole"]})
>>> ax = responsibility_matrix(rm, language="de")
>>> sorted(c.get_gid() for c in ax.collections)
['responsibility:lead', 'responsibility:shared', 'responsibility:sole']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..errors import UsageError
from ..i18n import translator
from ..model import role_group
from . import _style as st
from ._common import empty_panel, need, role_group_label
from ._style import wrap_text as wrap
from .palette import MEANING

__all__ = ["responsibility_matrix"]


def _labels(df: pd.DataFrame) -> pd.Series:
    if "title" in df.columns:
        t = df["title"].astype(object)
        return t.where(t.notna() & (t.astype(str).str.strip() != ""), df["action_id"])
    return df["action_id"].astype(object)


def responsibility_matrix(
    matrix: pd.DataFrame,
    *,
    ax: Axes | None = None,
    language: str | None = None,
    members: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
) -> Axes:
    """Who is responsible for which step: steps × members, lead and shared marked.

    Parameters
    ----------
    matrix : pandas.DataFrame
        The long table of :func:`cocope_kit.analysis.responsibility_matrix`:
        ``action_id, member_id, responsibility`` (``sole``, ``lead``,
        ``shared``), optionally ``role``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).
    members : pandas.DataFrame, optional
        Rows of the ``member`` table. Columns are labelled with ``pseudonym``
        (never ``name``) and coloured by role group; every member of the CoPs
        that appear in ``matrix`` gets a column, also one without a step.
        Without it, columns are labelled with ``member_id``.
    actions : pandas.DataFrame, optional
        Rows of the ``action`` table: rows are labelled with ``title`` in
        this order, and steps without an owner get an empty row marked
        "no owner". Without it, rows are the steps of ``matrix``.

    Returns
    -------
    matplotlib Axes
        One scatter collection per kind of responsibility, with gid
        ``"responsibility:<kind>"``; its offsets are (member column, step row).
    """
    tr = translator(language)
    m = need(matrix, "matrix", ["action_id", "member_id", "responsibility"],
                    "the table of analysis.responsibility_matrix")
    bad = sorted(set(m["responsibility"].dropna().astype(str)) - set(st.RESPONSIBILITY_STYLE))
    if bad:
        raise UsageError(f"unknown responsibility {bad[0]!r}; one of: sole, lead, shared")
    steps: list[str] = [str(a) for a in dict.fromkeys(m["action_id"].dropna())]
    titles = {a: a for a in steps}
    if actions is not None:
        act = need(actions, "actions", ["action_id"], "the 'action' table")
        act = act.dropna(subset=["action_id"]).drop_duplicates("action_id")
        order = [str(a) for a in act["action_id"]]
        steps = order + [a for a in steps if a not in set(order)]
        titles.update(zip(act["action_id"].astype(str), _labels(act).astype(str), strict=True))
    cols: list[str] = [str(p) for p in dict.fromkeys(m["member_id"].dropna())]
    label = {c: c for c in cols}
    role: dict[str, str] = {}
    if "role" in m.columns:
        role.update({str(k): str(v) for k, v in zip(m["member_id"], m["role"], strict=True)
                     if pd.notna(v)})
    if members is not None:
        mem = need(members, "members", ["member_id", "pseudonym"], "the 'member' table")
        mem = mem.dropna(subset=["member_id"]).drop_duplicates("member_id")
        if "cop_id" in mem.columns:
            cops = set(mem.loc[mem["member_id"].astype(str).isin(cols), "cop_id"].dropna())
            mem = mem[mem["cop_id"].isin(cops) | mem["member_id"].astype(str).isin(cols)]
        ids = [str(x) for x in mem["member_id"]]
        cols = ids + [c for c in cols if c not in set(ids)]
        label.update({str(k): str(v) for k, v in zip(mem["member_id"], mem["pseudonym"],
                                                     strict=True) if pd.notna(v)})
        if "role" in mem.columns:
            role.update({str(k): str(v) for k, v in zip(mem["member_id"], mem["role"],
                                                        strict=True) if pd.notna(v)})
    n_s, n_m = len(steps), len(cols)
    if n_s == 0:
        return empty_panel(ax, tr.gettext("Who is responsible for which step"),
                           tr.gettext("No action plan yet (meeting 2)"), tr)
    ax = st.new_ax(ax, (max(7.0, 1.05 * n_m + 5.5), max(3.6, 0.68 * n_s + 2.8)))
    xi = {c: i for i, c in enumerate(cols)}
    yi = {a: i for i, a in enumerate(steps)}
    kinds = {}
    for kind, sty in st.RESPONSIBILITY_STYLE.items():
        sub = m[m["responsibility"].astype(str) == kind]
        pts = [(xi[str(p)], yi[str(a)]) for a, p in zip(sub["action_id"], sub["member_id"],
                                                        strict=True)
               if str(a) in yi and str(p) in xi]
        kinds[kind] = len(pts)
        if not pts:
            continue
        xy = np.asarray(pts, dtype=float)
        coll = ax.scatter(xy[:, 0], xy[:, 1], s=sty["size"], marker=sty["marker"],
                          facecolors=sty["color"] if sty["filled"] else "white",
                          edgecolors=sty["color"] if not sty["filled"] else st.BLACK,
                          linewidths=3.0 if not sty["filled"] else 0.8, zorder=3,
                          label=tr.gettext(sty["label"]))
        coll.set_gid(f"responsibility:{kind}")

    ax.set_xticks(range(n_m), [wrap(label[c], 16, 2) for c in cols])
    owned = set(m["action_id"].astype(str))
    nobody = tr.gettext("nobody responsible yet")
    ylabels = [wrap(titles.get(a, a), 34, 2) + ("" if a in owned else f"\n({nobody})")
               for a in steps]
    ax.set_yticks(range(n_s), ylabels)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", labelsize=st.TICK_SIZE - 1, length=0, rotation=35)
    for t in ax.get_xticklabels():
        t.set_ha("left")
        t.set_rotation_mode("anchor")
    ax.tick_params(axis="y", labelsize=st.TICK_SIZE - 1, length=0)
    for t, a in zip(ax.get_yticklabels(), steps, strict=True):
        if a not in owned:
            t.set_color(MEANING["problem"])
    groups_present: list[str] = []
    for t, c in zip(ax.get_xticklabels(), cols, strict=True):
        if c in role:
            g = role_group(role[c])
            t.set_color(st.ROLE_COLORS[g])
            t.set_fontweight("bold")
            if g not in groups_present:
                groups_present.append(g)
    ax.set_xticks(np.arange(-0.5, n_m, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n_s, 1), minor=True)
    ax.grid(True, which="minor", color=st.LIGHT_GREY, linewidth=1.2)
    ax.tick_params(which="minor", length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xlim(-0.5, max(n_m, 1) - 0.5)
    ax.set_ylim(max(n_s, 1) - 0.5, -0.5)

    handles = [Line2D([], [], marker=sty["marker"], linestyle="none",
                      markersize=np.sqrt(sty["size"]) * 0.8,
                      markerfacecolor=sty["color"] if sty["filled"] else "white",
                      markeredgecolor=sty["color"] if not sty["filled"] else st.BLACK,
                      markeredgewidth=2.5 if not sty["filled"] else 0.8,
                      label=tr.gettext(sty["label"]))
               for kind, sty in st.RESPONSIBILITY_STYLE.items()]
    handles += [Patch(color=st.ROLE_COLORS[g], label=role_group_label(g, tr))
                for g in [g for g in st.ROLE_COLORS if g in groups_present]]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02),
              ncol=min(len(handles), 4), fontsize=st.LEGEND_SIZE - 1, frameon=False)

    per_member = m.groupby(m["member_id"].astype(str)).size()
    idle = [label[c] for c in cols if c not in per_member.index]
    shared_steps = int((m.groupby("action_id").size() >= 2).sum())
    text = (tr.ngettext("Who is responsible for {n} step", "Who is responsible for {n} steps",
                        n_s).format(n=n_s) + ", "
            + tr.ngettext("{n} member", "{n} members", n_m).format(n=n_m) + ": "
            + tr.gettext("sole owner: {sole}, lead: {lead}, shared: {shared}").format(
                **kinds) + "; "
            + tr.ngettext("{n} step is shared by two or more people.",
                          "{n} steps are shared by two or more people.", shared_steps)
            .format(n=shared_steps))
    if len(per_member):
        text += " " + tr.gettext("Most steps: {who} ({n}).").format(
            who=label[per_member.idxmax()], n=int(per_member.max()))
    if idle:
        text += " " + tr.gettext("Without a step: {names}.").format(names=", ".join(idle))
    no_owner = [titles.get(a, a) for a in steps if a not in owned]
    if no_owner:
        text += " " + tr.gettext("Nobody responsible yet: {steps}.").format(
            steps="; ".join(no_owner))
    st.set_description(ax, text)
    return ax
