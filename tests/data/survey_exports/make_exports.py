"""Write the survey-platform export files of tests/test_survey_import.py (run once; committed).

Each file imitates what the platform writes when a questionnaire built from one of
the kit's instruments is exported: LimeSurvey (question codes and answer codes, or
full question texts and full answers, headings in the survey's language), KoboToolbox
(labels or XML values, semicolon CSV or XLSX, group paths), Google Forms (grid
questions, "Timestamp" in the sheet's language), Microsoft Forms (XLSX with ID, Start
time, Completion time, Email, Name) and a plain wide workbook with title rows.

    PYTHONPATH=. python tests/data/survey_exports/make_exports.py
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _answers(inst, items, n, seed, *, dont_know=0.06, blank=0.05):
    """n respondents' answers: item id -> value (1-5 / 1-3), 'dk' or None."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        tendency = rng.uniform(2.0, 4.6)
        row = {}
        for it in items:
            sc = inst.scales[it.scale]
            lo, hi = int(sc.min), int(sc.max)
            if hi == 3:
                row[it.id] = rng.randint(1, 3)
                continue
            r = rng.random()
            if r < blank:
                row[it.id] = None
                continue
            if r < blank + dont_know:
                row[it.id] = "dk"
                continue
            v = round(tendency + rng.gauss(0, 0.8))
            v = min(hi, max(lo, v))
            row[it.id] = lo + hi - v if it.reverse else v
        out.append(row)
    return out


def _label(inst, item, v, lang, dk, easy=False):
    if v is None:
        return ""
    if v == "dk":
        return dk
    sc = inst.scales[item.scale]
    labels = sc.labels_for(lang)
    return labels[sc.values.index(float(v))]


def _csv(path, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8-sig" if delimiter == ";" else "utf-8") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows(rows)


def _xlsx(path, rows, sheet):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)


def main() -> None:
    from cocope_kit.instruments import load_instrument

    wt = load_instrument("working_together")
    cl = load_instrument("cop_climate")
    wt_items = list(wt.items)
    cl_adult = [it for it in cl.items if it.audience != ("student",)]
    cl_student = [it for it in cl.items if it.audience == ("student",)]
    t0 = datetime(2026, 11, 3, 9, 5, 12)

    # 1. LimeSurvey, question codes + answer codes (array "WT", list question "WTfit"), de
    ans = _answers(wt, wt_items, 8, 1, dont_know=0)
    head = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]
    head += [f"WT[{it.id.split('_', 1)[1].replace('_', '')}]" if it.id != "wt_fit" else "WTfit"
             for it in wt_items]
    rows = [head]
    for i, a in enumerate(ans):
        start = t0 + timedelta(minutes=37 * i)
        done = start + timedelta(minutes=6, seconds=11 * i)
        submit = "" if i == 5 else done.strftime("%Y-%m-%d %H:%M:%S")  # an unfinished response
        rows.append([str(i + 1), submit, "2" if submit else "1", "de", str(182734 + 991 * i),
                     start.strftime("%Y-%m-%d %H:%M:%S"), done.strftime("%Y-%m-%d %H:%M:%S")]
                    + ["" if a[it.id] is None else str(a[it.id]) for it in wt_items])
    _csv(HERE / "limesurvey_wt_de_codes.csv", rows)

    # 2. LimeSurvey, full question texts + full answers, Portuguese headings, cop_climate
    ans = _answers(cl, cl_adult + cl_student, 7, 2)
    head = ["ID da resposta", "Data de submissão", "Última página", "Idioma inicial", "Semente",
            "Qual é a sua função no grupo?"]
    head += [f"{cl.constructs[it.construct]['label']['pt']} [{it.text['pt']}]"
             for it in cl_adult + cl_student]
    roles = ["Professor/a", "Professor/a", "Aluno/a", "Assistente social", "Professor/a",
             "Aluno/a", "Direção da escola"]
    rows = [head]
    for i, a in enumerate(ans):
        student = roles[i] == "Aluno/a"
        done = t0 + timedelta(days=1, hours=i, minutes=3 * i)
        cells = []
        for it in cl_adult + cl_student:
            if it in cl_student and not student:
                cells.append("")
            elif a[it.id] is None:
                cells.append("Sem resposta")
            else:
                cells.append(_label(cl, it, a[it.id], "pt", "Não sei"))
        rows.append([str(101 + i), done.strftime("%Y-%m-%d %H:%M:%S"), "3", "pt",
                     str(551200 + 17 * i), roles[i]] + cells)
    _csv(HERE / "limesurvey_cc_pt_full.csv", rows)

    # 3. LimeSurvey, generic codes (G01Q01[SQ001]) and answer codes AO01..AO05 / DK: needs a map
    ans = _answers(wt, wt_items, 6, 3)
    head = ["id", "submitdate", "lastpage", "startlanguage", "seed"]
    head += [f"G01Q01[SQ{k + 1:03d}]" for k in range(12)] + ["G01Q02"]
    rows = [head]
    for i, a in enumerate(ans):
        cells = []
        for it in wt_items:
            v = a[it.id]
            cells.append("" if v is None else "DK" if v == "dk" else
                         (f"AO{int(v):02d}" if it.id != "wt_fit" else f"F{v}"))
        rows.append([str(i + 1), (t0 + timedelta(hours=3 * i)).strftime("%Y-%m-%d %H:%M:%S"),
                     "2", "de", str(99 + i)] + cells)
    _csv(HERE / "limesurvey_wt_generic_codes.csv", rows)

    # 4. KoboToolbox, labels, semicolon CSV, Portuguese, group labels in the header
    ans = _answers(wt, wt_items, 7, 4)
    groups = {"cooperation": "Cooperação", "coordination": "Coordenação",
              "collaboration": "Colaboração", "level_fit": "Nível"}
    head = ["start", "end", "Qual é a sua função?"]
    head += [f"{groups[it.construct]}/{it.text['pt']}" for it in wt_items]
    head += ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
             "_submitted_by", "__version__", "_tags", "_index"]
    roles = ["Professor/a", "Pai, mãe ou familiar", "Professor/a", "Terapeuta", "Professor/a",
             "Assistente educativo/a", "Professor/a"]
    rows = [head]
    for i, a in enumerate(ans):
        start = t0 + timedelta(days=2, minutes=41 * i)
        end = start + timedelta(minutes=7)
        rows.append([start.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+00:00",
                     end.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+00:00", roles[i]]
                    + [_label(wt, it, a[it.id], "pt", "Não sei") for it in wt_items]
                    + [str(318820440 + i), f"5b1f0c2e-8d7a-4c1e-9f0b-{i:012d}",
                       (end + timedelta(seconds=40)).strftime("%Y-%m-%dT%H:%M:%S"), "", "",
                       "submitted_via_web", "", "vQxJ5cd8aW3bFz", "", str(i + 1)])
    _csv(HERE / "kobo_wt_pt_labels.csv", rows, delimiter=";")

    # 5. KoboToolbox, XML values and group paths, XLSX, German form, cop_climate
    ans = _answers(cl, cl_adult + cl_student, 8, 5)
    names = {1: "strongly_disagree", 2: "disagree", 3: "neither_agree_nor_disagree",
             4: "agree", 5: "strongly_agree", "dk": "dont_know"}
    head = ["start", "end", "grp_person/rolle"]
    head += [f"grp_{it.construct}/{it.id}" for it in cl_adult + cl_student]
    head += ["_id", "_uuid", "_submission_time", "_validation_status", "_index"]
    roles = ["teacher", "student", "teacher", "parent", "student", "school_leader",
             "teacher", "teaching_assistant"]
    rows = [head]
    for i, a in enumerate(ans):
        start = t0 + timedelta(days=3, minutes=29 * i)
        cells = []
        for it in cl_adult + cl_student:
            v = a[it.id]
            cells.append(None if v is None or (it in cl_student and roles[i] != "student")
                         else names[v])
        rows.append([start.strftime("%Y-%m-%dT%H:%M:%S.000+01:00"),
                     (start + timedelta(minutes=9)).strftime("%Y-%m-%dT%H:%M:%S.000+01:00"),
                     roles[i]] + cells
                    + [318900000 + i, f"c0ffee00-1d2e-4f5a-8b9c-{i:012d}",
                       (start + timedelta(minutes=9, seconds=30) - timedelta(hours=1)
                        ).strftime("%Y-%m-%dT%H:%M:%S"), None, i + 1])
    _xlsx(HERE / "kobo_cc_de_xml.xlsx", rows, "Klima in der CoP")

    # 6. Google Forms, German sheet: Zeitstempel, e-mail collected, one grid, wt_fit as a question
    ans = _answers(wt, wt_items, 8, 6)
    head = ["Zeitstempel", "E-Mail-Adresse", "Ihre Rolle in der Gruppe"]
    # the researcher shortened one statement a little: matched by similarity, not exactly
    edited = {"wt_coord_2": "Wir planen die Reihenfolge unserer Schritte, damit die Arbeit "
                            "jeder Person an die der nächsten anschließt."}
    head += [f"Wie sehr stimmen Sie zu? [{edited.get(it.id, it.text['de'])}]"
             for it in wt_items[:-1]]
    head += [wt.item("wt_fit").text["de"]]
    roles = ["Lehrkraft", "Lehrkraft", "Schulleitung", "Förderlehrkraft", "Elternteil oder Familie",
             "Lehrkraft", "Schulassistenz", "Lehrkraft"]
    mails = ["anna.berger@schule-linz.at", "t.huber@schule-linz.at", "leitung@schule-linz.at",
             "m.gruber@schule-linz.at", "familie.wagner@gmx.at", "k.pichler@schule-linz.at",
             "s.moser@schule-linz.at", "j.bauer@schule-linz.at"]
    rows = [head]
    for i, a in enumerate(ans):
        at = t0 + timedelta(hours=2 * i, minutes=7 * i)
        stamp = at.strftime("%Y/%m/%d %I:%M:%S %p") + " GMT+1"
        rows.append([stamp, mails[i], roles[i]]
                    + [_label(wt, it, a[it.id], "de", "Weiß nicht") for it in wt_items])
    _csv(HERE / "google_forms_wt_de.csv", rows)

    # 7. Google Forms, Portuguese sheet: day-first times, students see the easy-read items
    ans = _answers(cl, cl_adult + cl_student, 8, 7)
    head = ["Carimbo de data/hora", "Endereço de e-mail", "Função"]
    head += [f"Em que medida concorda? [{it.text['pt']}]" for it in cl_adult]
    head += [f"Só para alunos [{it.easy_read['pt']}]" for it in cl_student]
    roles = ["Professor/a", "Aluno/a", "Aluno/a", "Professor/a", "Psicólogo/a", "Aluno/a",
             "Professor/a", "Pai, mãe ou familiar"]
    rows = [head]
    for i, a in enumerate(ans):
        at = t0 + timedelta(days=4, hours=i, minutes=13 * i)
        cells = [_label(cl, it, a[it.id], "pt", "Não sei") for it in cl_adult]
        cells += [_label(cl, it, a[it.id], "pt", "Não sei") if roles[i] == "Aluno/a" else ""
                  for it in cl_student]
        rows.append([at.strftime("%d/%m/%Y %H:%M:%S"), f"pessoa{i + 1}@agrupamento-porto.pt",
                     roles[i]] + cells)
    _csv(HERE / "google_forms_cc_pt.csv", rows)

    # 8. Microsoft Forms, English metadata headings, Portuguese questions, XLSX with date cells
    ans = _answers(wt, wt_items, 6, 8)
    head = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
    head += [it.text["pt"] for it in wt_items]
    people = ["Ana Sousa", "Bruno Costa", "Carla Mendes", "Duarte Lima", "Eva Rocha", "Filipe Reis"]
    rows = [head]
    for i, a in enumerate(ans):
        start = t0 + timedelta(days=5, minutes=53 * i)
        first = people[i].split()[0].lower()
        rows.append([i + 1, start, start + timedelta(minutes=5, seconds=17),
                     f"{first}@agrupamento-porto.pt", people[i], None]
                    + [_label(wt, it, a[it.id], "pt", "Não sei") or None for it in wt_items])
    _xlsx(HERE / "msforms_wt_pt.xlsx", rows, "Form1")

    # 9. Microsoft Forms, German headings (Startzeit, Fertigstellungszeit, E-Mail, Name), cop_climate
    ans = _answers(cl, cl_adult, 7, 9)
    head = ["ID", "Startzeit", "Fertigstellungszeit", "E-Mail", "Name",
            "Zeitpunkt der letzten Änderung", "Ihre Rolle"]
    head += [it.text["de"] for it in cl_adult]
    people = ["Lena Hofer", "Paul Eder", "Mia Steiner", "Felix Wimmer", "Sara Lang",
              "Jonas Brunner", "Eva Fuchs"]
    roles = ["Lehrkraft", "Lehrkraft", "Schulsozialarbeit", "Lehrkraft", "Therapie",
             "Lehrkraft", "Schulleitung"]
    rows = [head]
    for i, a in enumerate(ans):
        start = t0 + timedelta(days=6, minutes=31 * i)
        first = people[i].split()[0].lower()
        rows.append([i + 1, start, start + timedelta(minutes=8, seconds=3 * i),
                     f"{first}.{people[i].split()[1].lower()}@bildung.at", people[i], None,
                     roles[i]]
                    + [_label(cl, it, a[it.id], "de", "Weiß nicht") or None for it in cl_adult])
    _xlsx(HERE / "msforms_cc_de.xlsx", rows, "Formular1")

    # 10. A plain wide workbook with title rows: item ids, numbers, one row per respondent
    ans = _answers(cl, cl_adult, 6, 10, dont_know=0)
    rows = [["Klimabefragung Praxisgemeinschaft Mittelschule Linz-Auhof"],
            ["Export vom 05.11.2026, Welle: post"], [],
            ["id", "role"] + [it.id for it in cl_adult]]
    for i, a in enumerate(ans):
        rows.append([f"P{i + 1:02d}", "teacher"] + [a[it.id] for it in cl_adult])
    _xlsx(HERE / "wide_cc_title.xlsx", rows, "Daten")


if __name__ == "__main__":
    main()
