"""Generated data returns in shapes the real tuning corpus lacks but trusts and forces send
(issue 18): a financial year over its months, Excel day numbers in a CSV header, months
running on under one named year, '2018 04' printed in a PDF, quarters of a financial year,
'Month ending …' headers, two tables side by side, a file named for no question."""

from __future__ import annotations

import io

import openpyxl
import pytest

from extract.tables.assign import TableQuestion
from extract.tables.cells import Period, parse_span
from extract.tables.codes import Code, matcher
from extract.tables.tidy import read_tables

CODES = matcher((Code("MA01", "Owner occupier"), Code("MA06", "Tenant - private landlord"),
                 Code("HM01", "Rough sleeper"), Code("OC99", "Not Known (Not Recorded)")))
QUESTIONS = [TableQuestion(1, "all", ("in contact",)), TableQuestion(2, "cpa", ("CPA",))]


def _got(reading) -> dict[tuple[str, str | None], tuple[float | None, str]]:
    return {(c.period, c.code): (c.value, c.cell) for c in reading.cells}


def _xlsx(fill) -> bytes:
    book = openpyxl.Workbook()
    fill(book.active)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


@pytest.mark.parametrize(("text", "period"), [
    ("Jan-18", "2018-01"), ("2018 04", "2018-04"), ("01/2018", "2018-01"),
    ("31-Jan-18", "2018-01"), ("Month ending 31/01/2018", "2018-01"), ("As at Mar 2019", "2019-03"),
    ("2018/19", "2018/19"), ("FY 18/19", "2018/19"), ("2018-2019", "2018/19"),
    ("Q1 2018/19", "2018/19-Q1"), ("2018 Q2", "2018-Q2"), ("2019", "2019"),
    ("2018-2020", None), ("16-25", None), ("Total", None), ("MA01", None), ("13/2018", None)])
def test_periods_as_bodies_write_them(text: str, period: str | None) -> None:
    found = parse_span(text)
    assert (str(found) if found else None) == period


def test_a_financial_year_over_its_months() -> None:
    """'2019/20' merged over Apr … Mar: January to March are 2020."""
    def fill(sheet):
        sheet["A1"] = "People in contact with services"
        sheet["B2"] = "2019/20"
        sheet.merge_cells("B2:M2")
        sheet.append(["Accommodation status", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                      "Nov", "Dec", "Jan", "Feb", "Mar"])
        sheet.append(["Owner occupier", *range(1, 13)])
        sheet.append(["Rough sleeper", *range(21, 33)])
    got = _got(read_tables([("return.xlsx", _xlsx(fill))], QUESTIONS, CODES))
    assert got[("2019-04", "MA01")] == (1, "B4")
    assert got[("2019-12", "MA01")] == (9, "J4")
    assert got[("2020-01", "HM01")] == (30, "K5")
    assert got[("2020-03", "HM01")] == (32, "M5")
    assert len(got) == 24


def test_excel_day_numbers_in_a_csv_header() -> None:
    """A pivot saved as CSV loses its date format: 43101 is 1 January 2018."""
    text = ("In contact by accommodation status,,,\n"
            "Status,43101,43132,43160\n"
            "Owner occupier,5,6,7\nRough sleeper,1,2,3\n")
    got = _got(read_tables([("pivot.csv", text.encode())], QUESTIONS, CODES))
    assert got[("2018-01", "MA01")] == (5, "row 3 col B")
    assert got[("2018-03", "HM01")] == (3, "row 4 col D")
    assert len(got) == 6


def test_months_running_on_under_one_named_year() -> None:
    """'from January 2018' in the title, Jan … Dec, Jan, Feb across: the second Jan is 2019."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    text = ("CPA caseload by month from 2018\n"
            "Status," + ",".join([*months, "Jan", "Feb"]) + "\n"
            "Owner occupier," + ",".join(str(n) for n in range(1, 15)) + "\n")
    got = _got(read_tables([("cpa.csv", text.encode())], QUESTIONS, CODES))
    assert got[("2018-12", "MA01")][0] == 12
    assert got[("2019-01", "MA01")][0] == 13
    assert got[("2019-02", "MA01")][0] == 14


def test_months_written_month_ending() -> None:
    text = ("People in contact\n"
            "Accommodation,Month ending 31/01/2018,Month ending 28/02/2018\n"
            "Tenant - private landlord,40,41\n")
    got = _got(read_tables([("a.csv", text.encode())], QUESTIONS, CODES))
    assert got == {("2018-01", "MA06"): (40, "row 3 col B"),
                   ("2018-02", "MA06"): (41, "row 3 col C")}


def test_financial_years_across_and_quarters() -> None:
    years = ("Offences on CPA wards,2019/20,2020/21,2021/22\n"
             "Owner occupier,3,4,5\n")
    got = _got(read_tables([("years.csv", years.encode())], QUESTIONS, CODES))
    assert got == {("2019/20", "MA01"): (3, "row 2 col B"), ("2020/21", "MA01"): (4, "row 2 col C"),
                   ("2021/22", "MA01"): (5, "row 2 col D")}
    quarters = ("CPA,Q1 2019/20,Q2 2019/20\nRough sleeper,7,8\n")
    got = _got(read_tables([("q.csv", quarters.encode())], QUESTIONS, CODES))
    assert got == {("2019/20-Q1", "HM01"): (7, "row 2 col B"),
                   ("2019/20-Q2", "HM01"): (8, "row 2 col C")}


def test_a_year_alone_in_a_column_of_figures_is_a_count() -> None:
    """'1999' among figures below a one-month header is 1,999 people, not a year."""
    text = ("In contact\nCode,Status,Jan-21\nMA01,Owner occupier,1999\nHM01,Rough sleeper,12\n")
    got = _got(read_tables([("t.csv", text.encode())], QUESTIONS, CODES))
    assert got[("2021-01", "MA01")] == (1999, "row 3 col C")


def test_a_dash_is_never_stored_as_a_figure() -> None:
    """'-' is a zero in one body's table and 'not yet known' in another's: neither is stored."""
    text = "In contact,Jan-21,Feb-21,Mar-21\nOwner occupier,5,-,-\nRough sleeper,–,2,-\n"
    got = _got(read_tables([("t.csv", text.encode())], QUESTIONS, CODES))
    assert got == {("2021-01", "MA01"): (5, "row 2 col B"), ("2021-02", "HM01"): (2, "row 3 col C")}


def test_a_pdf_printing_2018_04_as_two_words() -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    data = io.BytesIO()
    pdf = canvas.Canvas(data, pagesize=landscape(A4))
    pdf.setFont("Helvetica", 9)
    pdf.drawString(40, 520, "Question 2: people on CPA by accommodation status")
    columns = [200, 260, 320]
    for x, month in zip(columns, ("2018 04", "2018 05", "2018 06"), strict=True):
        pdf.drawString(x, 500, month)
    for y, (label, figures) in zip((485, 470), (("Owner occupier", ("11", "12", "13")),
                                                ("Rough sleeper", ("1", "<5", "3"))), strict=True):
        pdf.drawString(40, y, label)
        for x, f in zip(columns, figures, strict=True):
            pdf.drawString(x + 10, y, f)
    pdf.save()
    reading = read_tables([("cpa.pdf", data.getvalue())], QUESTIONS, CODES)
    got = _got(reading)
    assert {c.question for c in reading.cells} == {2}
    assert got[("2018-04", "MA01")][0] == 11 and got[("2018-06", "HM01")][0] == 3
    assert got[("2018-05", "HM01")][0] is None
    assert all(c.category in ("Owner occupier", "Rough sleeper") for c in reading.cells)


def test_period_objects_name_their_span() -> None:
    assert [Period(2018, 4).span, Period(2018).span, Period(2018, fiscal=True).span,
            Period(2018, quarter=2, fiscal=True).span] == ["month", "year", "financial_year",
                                                           "quarter"]


def test_two_tables_side_by_side() -> None:
    """Question 1 in columns A-C, question 2 in E-G, under one header row."""
    text = ("Q1 In contact,,,,Q2 On CPA,,\n"
            "Status,Jan-19,Feb-19,,Status,Jan-19,Feb-19\n"
            "Owner occupier,10,11,,Owner occupier,4,5\n"
            "Rough sleeper,2,3,,Tenant - private landlord,6,7\n")
    reading = read_tables([("both.csv", text.encode())], QUESTIONS, CODES)
    got = {(c.question, c.period, c.code): (c.value, c.cell) for c in reading.cells}
    assert got == {
        (1, "2019-01", "MA01"): (10, "row 3 col B"), (1, "2019-02", "MA01"): (11, "row 3 col C"),
        (1, "2019-01", "HM01"): (2, "row 4 col B"), (1, "2019-02", "HM01"): (3, "row 4 col C"),
        (2, "2019-01", "MA01"): (4, "row 3 col F"), (2, "2019-02", "MA01"): (5, "row 3 col G"),
        (2, "2019-01", "MA06"): (6, "row 4 col F"), (2, "2019-02", "MA06"): (7, "row 4 col G")}


def test_the_one_table_left_answers_the_one_question_left() -> None:
    """'Accomodation split.csv' names nothing; 'CPA.csv' answers question 2: the split is
    question 1, said as a problem a person can overrule."""
    split = "Status,Jan-20,Feb-20\nOwner occupier,30,31\n"
    cpa = "Status,Jan-20,Feb-20\nOwner occupier,3,4\n"
    reading = read_tables([("Accomodation split.csv", split.encode()),
                           ("CPA.csv", cpa.encode())], QUESTIONS, CODES)
    got = {(c.question, c.period, c.filename): c.value for c in reading.cells}
    assert got == {(1, "2020-01", "Accomodation split.csv"): 30,
                   (1, "2020-02", "Accomodation split.csv"): 31,
                   (2, "2020-01", "CPA.csv"): 3, (2, "2020-02", "CPA.csv"): 4}
    (problem,) = reading.problems
    assert problem.kind == "by_elimination" and "question 1" in problem.detail
    # two tables naming nothing, or two questions left: a person says which
    alone = read_tables([("a.csv", split.encode()), ("b.csv", split.encode()),
                         ("CPA.csv", cpa.encode())], QUESTIONS, CODES)
    assert {c.question for c in alone.cells} == {2}
    assert [p.kind for p in alone.problems] == ["no_question", "no_question"]


def test_words_of_a_file_name_between_underscores() -> None:
    text = "Status,Jan-20,Feb-20\nOwner occupier,30,31\n"
    questions = [TableQuestion(1, "all", ("all MH",)), TableQuestion(2, "cpa", ("CPA",))]
    reading = read_tables([("All_MH_accommodation.csv", text.encode())], questions, CODES)
    assert {c.question for c in reading.cells} == {1} and not reading.problems


def test_group_rows_and_subtotals_are_checked_not_counted() -> None:
    """'Homeless' over its members with no word 'total', 'Total mainstream' under its own,
    a grand total of every member: no figure counted twice, every total adding up."""
    codes = matcher((Code("HM00", "Homeless"), Code("HM01", "Rough sleeper"),
                     Code("HM02", "Squatting"), Code("MA01", "Owner occupier"),
                     Code("MA06", "Tenant - private landlord")))
    text = ("In contact,Jan-20,Feb-20,Mar-20\n"
            "Homeless,7,9,12\n"
            "Rough sleeper,3,4,5\n"
            "Squatting,4,5,7\n"
            "Owner occupier,10,11,12\n"
            "Tenant - private landlord,20,21,*\n"
            "Total mainstream,30,32,40\n"
            "Grand total,37,41,52\n")
    reading = read_tables([("t.csv", text.encode())], QUESTIONS, codes)
    assert {c.code for c in reading.cells} == {"HM01", "HM02", "MA01", "MA06"}
    checks = {(t.category, t.period): (t.value, t.parts, t.adds_up) for t in reading.totals}
    assert checks[("Homeless", "2020-03")] == (12, 12, True)
    assert checks[("Total mainstream", "2020-01")] == (30, 30, True)
    assert checks[("Total mainstream", "2020-03")] == (40, 12, None)   # a suppressed part
    assert checks[("Grand total", "2020-02")] == (41, 41, True)
    assert all(t.adds_up is not False for t in reading.totals)


def test_a_row_equal_to_the_next_ones_in_one_month_only_is_not_a_group() -> None:
    text = ("In contact,Jan-20,Feb-20\n"
            "Owner occupier,7,8\nRough sleeper,3,4\nTenant - private landlord,4,5\n")
    reading = read_tables([("t.csv", text.encode())], QUESTIONS, CODES)
    assert len(reading.cells) == 6 and not reading.totals


def test_a_round_robin_with_a_hierarchy_and_breakdowns_in_the_warehouse(workspace) -> None:
    """The police campaign: a real force's PDF read into v_table_answers with each table's
    breakdown (crime group at the level of the Home Office list it names, outcome, hospital),
    by financial year; a label the list does not hold waits, a free one does not."""
    from flows.steps.tables import read_table_answers
    from tests.corpora import POLICE, POLICE_CAMPAIGN, reply_files
    from tests.table_workspace import add_campaign, add_reply
    from warehouse.db import connect, rows

    con = connect(workspace.database)
    try:
        campaign = add_campaign(con, POLICE_CAMPAIGN)
        ref = add_reply(con, workspace, "DUR", "Durham Constabulary",
                        reply_files(POLICE, "Durham Constabulary"), campaign)
        assert read_table_answers(con, campaign, [ref], workspace.store) > 100
        found = {(r["dimension"], r["category_as_sent"], r["period"]): r for r in rows(
            con, "SELECT * FROM v_table_answers WHERE reference = ?", [ref])}
        coverage = rows(con, "SELECT * FROM v_table_coverage WHERE reference = ?", [ref])[0]
    finally:
        con.close()
    violence = found[("", "Violence Against the Person", "2023/24")]
    assert (violence["value"], violence["category_level"], violence["category_label"]) == (
        272, "Class", "Violence Against The Person")
    assert found[("hospital", "Darlington Memorial Hospital", "2019/20")]["value"] == 46
    charged = found[("outcome", "Charged or Summonsed", "2019/20")]
    assert (charged["value"], charged["match"], charged["category_code"]) == (28, "free", None)
    assert coverage["labels_unmatched"] == 0 and coverage["figures"] > 100


def test_a_long_pdf_stopped_by_its_time_limit_keeps_the_pages_read() -> None:
    """Hertfordshire's 61 pages of records take about a second a page: at the limit, the
    summary on page 1 and the pages before are kept and the rest named as not read."""
    import time

    from extract.tables.tidy import read_file_tables
    from tests.corpora import POLICE, POLICE_CAMPAIGN, campaign_table_setup, reply_files

    questions, codes = campaign_table_setup(POLICE_CAMPAIGN)
    (name, data), = reply_files(POLICE, "Hertfordshire Constabulary")
    started = time.monotonic()
    reading = read_file_tables(name, data, questions, codes, deadline=started + 3)
    assert time.monotonic() - started < 3 + 5
    left, uncounted = [p.detail for p in reading.problems if p.kind == "cut_short"]
    assert "not read: the time limit" in left and " to 61 not read" in left
    # a count of part of a listing would be wrong: the records wait for the whole file
    assert "records listed in Hertfordshire.pdf are not counted" in uncounted
    assert not [c for c in reading.cells if c.layout == "records"] and reading.grids >= 1


def test_a_listing_of_records_counted_and_checked_against_the_stated_totals() -> None:
    """A force's summary by year, then one row per crime across two pages (the second with
    no header of its own): each year's crimes by type and by outcome counted from the
    records, and the summary checked against the count."""
    import random

    rng = random.Random(7)
    kinds = ["VIOLENCE AGAINST THE PERSON", "THEFT", "PUBLIC ORDER OFFENCES"]
    outcomes = ["Type 1 - Charged/Summonsed", "Type 18 - No Suspect Identified"]
    records = [(n, rng.choice(["2019/2020", "2020/2021"]), rng.choice(kinds),
                rng.choice(outcomes)) for n in range(1, 41)]
    stated = {y: sum(1 for r in records if r[1] == y) for y in ("2019/2020", "2020/2021")}
    summary = "Financial Year,Total\n" + "".join(f"{y},{n}\n" for y, n in stated.items())
    listing = "No.,Financial Year,Crime Type,Outcome Description\n" + "".join(
        f"{n},{y},{k},{o}\n" for n, y, k, o in records)
    questions = [TableQuestion(1, "crimes", ("crimes",), (("outcome", ("outcome",)),))]
    reading = read_tables([("a summary.csv", summary.encode()),
                           ("b listing.csv", listing.encode())], questions, matcher(()))
    counted = {(c.dimension, c.period, c.category): c.value for c in reading.cells}
    for year, period in (("2019/2020", "2019/20"), ("2020/2021", "2020/21")):
        for kind in kinds:
            assert counted.get(("", period, kind), 0) == sum(
                1 for r in records if r[1] == year and r[2] == kind)
        assert sum(v for (d, p, _), v in counted.items() if d == "outcome" and p == period) \
            == stated[year]
    assert {t.period: (t.value, t.parts, t.adds_up, t.of) for t in reading.totals} == {
        "2019/20": (stated["2019/2020"], stated["2019/2020"], True, "reply"),
        "2020/21": (stated["2020/2021"], stated["2020/2021"], True, "reply")}
    assert all(c.layout == "records" and c.value_text.endswith("records")
               for c in reading.cells)
    # and the records themselves, one a row, their fields as sent
    assert len(reading.records) == len(records)
    first = reading.records[0]
    assert (first.period, first.fields, first.cell) == (
        "2019/20" if records[0][1] == "2019/2020" else "2020/21",
        {"No.": "1", "Financial Year": records[0][1], "Crime Type": records[0][2],
         "Outcome Description": records[0][3]}, "row 2 col A")


def test_a_listing_stored_one_row_per_record(workspace) -> None:
    from flows.steps.tables import read_table_answers
    from tests.corpora import POLICE_CAMPAIGN
    from tests.table_workspace import add_campaign, add_reply
    from warehouse.db import connect, rows

    listing = ("No.,Financial Year,Crime Type,Outcome Description\n" + "".join(
        f"{n},{'2019/2020' if n <= 18 else '2020/2021'},{'THEFT' if n % 3 else 'ROBBERY'},"
        "Type 18 - No Suspect Identified\n" for n in range(1, 31)))
    summary = "Financial Year,Total\n2019/2020,18\n2020/2021,12\n"
    con = connect(workspace.database)
    try:
        campaign = add_campaign(con, POLICE_CAMPAIGN)
        ref = add_reply(con, workspace, "HRT", "A Constabulary",
                        [("a.csv", summary.encode()), ("b.csv", listing.encode())], campaign)
        read_table_answers(con, campaign, [ref], workspace.store)
        stored = rows(con, "SELECT fields->>'Crime Type' AS kind, period, cell"
                           " FROM v_table_records WHERE reference = ? ORDER BY cell", [ref])
        counted = {r["category_as_sent"]: r["value"] for r in rows(
            con, "SELECT * FROM v_table_answers WHERE reference = ? AND dimension = ''"
                 " AND period = '2019/20'", [ref])}
        stated = rows(con, "SELECT adds_up, parts_from FROM table_totals"
                           " WHERE request_reference = ?", [ref])
    finally:
        con.close()
    assert len(stored) == 30 and {r["period"] for r in stored} == {"2019/20", "2020/21"}
    robberies = [r for r in stored if r["kind"] == "ROBBERY" and r["period"] == "2019/20"]
    assert len(robberies) == counted["ROBBERY"] == 6
    assert stated == [{"adds_up": True, "parts_from": "reply"}] * 2


def test_the_template_relabelled_with_months_and_quantities_in_cells() -> None:
    """Southwark-like: the year alone in A1, months (one mistyped) over the template's
    postcode columns, quantities with units and notes typed into number cells."""
    def fill(sheet):
        sheet.append([2013, "Postcodes", "Postcodes", "Postcodes"])
        sheet.append(["Product Type", "Janaury ", "February", "March "])
        sheet.append(["Alcohol", None, "45 litres of non-duty paid alcohol", 4])
        sheet.append(["Tobacco", "250kg fake tobacco", "200,000 cigarettes, 80kgs of tobacco",
                      None])
        sheet.append(["Clothing & Accessories", 1000, 537, 2500])
        sheet.append(["Total", None, None, None])
    codes = matcher((Code("ALC", "Alcohol"), Code("TOB", "Tobacco"),
                     Code("CLO", "Clothing & Accessories")))
    reading = read_tables([("Southwark FOI data.xlsx", _xlsx(fill))], QUESTIONS[:1], codes)
    got = {(c.period, c.code): (c.value, c.unit, c.cell) for c in reading.cells}
    assert got == {
        ("2013-02", "ALC"): (45, "litres", "C3"), ("2013-03", "ALC"): (4, "", "D3"),
        ("2013-01", "TOB"): (250, "kg", "B4"),
        ("2013-01", "CLO"): (1000, "", "B5"), ("2013-02", "CLO"): (537, "", "C5"),
        ("2013-03", "CLO"): (2500, "", "D5")}


def test_labels_that_read_alike_are_grouped_and_opposites_are_not() -> None:
    """Outcome and hospital names as forces write them: numbered or not, '/' for 'or', plural
    or not, a word more; never a label and its negation, two hospitals of one trust, or a
    caution and a conditional caution."""
    from extract.tables.codes import similar_groups

    groups = similar_groups([
        "Charged/Summonsed", "Charged or Summonsed", "Caution - adults", "Caution - youths",
        "Investigation complete – no suspect identified",
        "Investigation Complete - No Suspect Identified",
        "Named Suspect Identified - Evidential Difficulties: Victim NOT Supportive",
        "Named Suspect Identified - Evidential Difficulties: Victim Supportive",
        "Darlington Memorial Hospital", "Darlington Memorial",
        "University Hospital of North Durham", "University Hospital of North Tees",
        "Theft", "Theft from the person", "2: Youth caution", "2: Youth conditional caution"])
    assert groups == [["Charged/Summonsed", "Charged or Summonsed"],
                      ["Caution - youths", "2: Youth caution"],
                      ["Investigation complete – no suspect identified",
                       "Investigation Complete - No Suspect Identified"],
                      ["Darlington Memorial Hospital", "Darlington Memorial"]]


def test_outcomes_three_forces_wrote_alike_are_listed_together(workspace) -> None:
    """Durham, Cumbria and Humberside name the Home Office outcomes each their own way
    ('Offender has Died', '5: Offender has died'): `foi tables review` lists such labels, kept
    as sent, side by side, so a person sees them at once."""
    from typer.testing import CliRunner

    from flows.cli import app
    from flows.steps.tables import free_label_groups, read_table_answers
    from tests.corpora import POLICE, POLICE_CAMPAIGN, reply_files
    from tests.table_workspace import add_campaign, add_reply
    from warehouse.data_returns import tables_to_review
    from warehouse.db import connect

    con = connect(workspace.database)
    try:
        campaign = add_campaign(con, POLICE_CAMPAIGN)
        refs = [add_reply(con, workspace, code, name, reply_files(POLICE, name), campaign)
                for code, name in (("DUR", "Durham Constabulary"),
                                   ("CUM", "Cumbria Constabulary"), ("HUM", "Humberside Police"))]
        read_table_answers(con, campaign, refs, workspace.store)
        groups = free_label_groups(tables_to_review(con, campaign.id)["free"])
    finally:
        con.close()
    listed = [set(g["labels"]) for g in groups]
    for pair in ({"Offender has Died", "5: Offender has died"},
                 {"Investigation Complete - No Suspect Identified",
                  "18: Investigation complete no suspect identified"},
                 {"Community Resolution", "8: Community resolution"}):
        assert pair in listed, groups
    assert all(g["dimension"] == "outcome" and g["authorities"] >= 2 for g in groups), groups
    assert not [g for g in listed if any("NOT Supportive" in x for x in g)
                and any(x.endswith("Victim Supportive") for x in g)]
    shown = CliRunner().invoke(app, ["tables", "review", campaign.id, "--home",
                                     str(workspace.home)], env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    assert f"{len(groups)} groups of labels kept as sent that read alike" in shown.output
    assert "Offender has Died" in shown.output
    # decided once, for every force that wrote either: one name, and the group is gone
    home = ["--home", str(workspace.home)]
    named = CliRunner().invoke(app, ["tables", "name", campaign.id, "crimes", "Offender died",
                                     "Offender has Died", "5: Offender has died", "--dimension",
                                     "outcome", *home])
    assert named.exit_code == 0, named.output
    wrong = CliRunner().invoke(app, ["tables", "name", campaign.id, "crimes", "Died",
                                     "Offender has died", "--dimension", "outcome", *home])
    assert wrong.exit_code == 1 and "no body sent 'Offender has died'" in wrong.output
    con = connect(workspace.database, read_only=True)
    try:
        names = dict(con.execute(
            "SELECT DISTINCT category_as_sent, category_name FROM v_table_answers"
            " WHERE dimension = 'outcome' AND category_as_sent LIKE '%ffender has%'").fetchall())
        now = free_label_groups(tables_to_review(con, campaign.id)["free"])
    finally:
        con.close()
    assert names == {"Offender has Died": "Offender died", "5: Offender has died": "Offender died"}
    died = {"Offender has Died", "5: Offender has died"}
    assert [set(g["labels"]) for g in now] == [g for g in listed if g != died]
