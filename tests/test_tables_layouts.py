"""Layouts the real corpus lacks, generated here: long format, a semicolon CSV in cp1252, a
merged-cell header; and the code list's matching, the campaign's table question."""

from __future__ import annotations

import io

import openpyxl
import pytest

from extract.tables.assign import TableQuestion
from extract.tables.codes import Code, Match, match_label, matcher, parse_code_list, read_code_list
from extract.tables.tidy import read_tables
from foi.campaigns import CampaignFileError, parse_campaign
from tests.conftest import ROOT

CODES = (Code("MA01", "Owner occupier"), Code("MA06", "Tenant - private landlord"),
         Code("HM01", "Rough sleeper"), Code("OC99", "Not Known (Not Recorded)"))
QUESTIONS = [TableQuestion(1, "all", ("in contact",)), TableQuestion(2, "cpa", ("CPA",))]


def _cells(reading, **where):
    return [c for c in reading.cells if all(getattr(c, k) == v for k, v in where.items())]


def test_long_format_one_row_a_figure() -> None:
    text = ("Month,Accommodation status,People on CPA\n"
            "2019-03,MA01 - Owner occupier,12\n2019-03,Rough sleeper,*\n"
            "2019-04,MA01 - Owner occupier,15\n2019-04,Rough sleeper,6\n2019-04,Total,21\n")
    reading = read_tables([("cpa.csv", text.encode())], QUESTIONS, matcher(CODES))
    assert [(c.question, c.period, c.code, c.value, c.cell) for c in reading.cells] == [
        (2, "2019-03", "MA01", 12, "row 2 col C"), (2, "2019-03", "HM01", None, "row 3 col C"),
        (2, "2019-04", "MA01", 15, "row 4 col C"), (2, "2019-04", "HM01", 6, "row 5 col C")]
    assert _cells(reading, period="2019-03", code="HM01")[0].suppressed
    (total,) = reading.totals
    assert (total.period, total.value, total.parts, total.adds_up) == ("2019-04", 21, 21, True)


def test_semicolon_csv_in_cp1252() -> None:
    """Excel on a UK PC: cp1252 (a no-break space, '£'-free labels with 'é'), ';' between
    fields, months as 'janv.'-free English names in a header row, '<5' suppressed."""
    text = ("Personnes en contact (in contact);Jan 2020;Feb 2020;Mar 2020\r\n"
            "Tenant - private landlord\xa0;1 204;<5;7\r\n"
            "Owner occupier;3;4;5\r\n"
            "Hébergé chez des amis;2;2;2\r\n"
            "Grand Total;1 209;<5;14\r\n")
    reading = read_tables([("retour.csv", text.encode("cp1252"))], QUESTIONS, matcher(CODES))
    feb = _cells(reading, period="2020-02", code="MA06")[0]
    assert feb.suppressed and feb.value_text == "<5" and feb.cell == "row 2 col C"
    assert _cells(reading, period="2020-03", code="MA01")[0].value == 5
    unmatched = {c.category for c in reading.cells if c.code is None}
    assert unmatched == {"Hébergé chez des amis"}
    assert {t.period: t.adds_up for t in reading.totals}["2020-03"] is True


def test_thousands_with_spaces_are_not_split() -> None:
    """'1 204' in the cp1252 fixture above is a figure with a thousands space, or not read:
    never two cells."""
    text = "Status;Jan 2020;Feb 2020\nOwner occupier;1 204;3\n"
    reading = read_tables([("a.csv", text.encode("cp1252"))], QUESTIONS, matcher(CODES))
    jan = _cells(reading, period="2020-01")
    assert jan == [] or jan[0].value == 1204


def test_merged_cell_header_of_years_over_months() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Q2 CPA"
    sheet["A1"] = "People on CPA by accommodation status"
    sheet["B2"], sheet["E2"] = 2020, 2021
    sheet.merge_cells("B2:D2")
    sheet.merge_cells("E2:F2")
    sheet.append(["Accommodation status", "Nov", "Dec", "", "Jan", "Feb"])
    sheet["D3"] = "Total 2020"
    sheet.append(["Owner occupier", 10, 11, 21, 12, 13])
    sheet.append(["Rough sleeper", 1, "<5", 5, 2, 3])
    data = io.BytesIO()
    book.save(data)
    reading = read_tables([("cpa.xlsx", data.getvalue())], QUESTIONS, matcher(CODES))
    got = {(c.period, c.code): (c.value, c.cell) for c in reading.cells}
    assert got[("2020-11", "MA01")] == (10, "B4")
    assert got[("2021-01", "MA01")] == (12, "E4")
    assert got[("2021-02", "HM01")] == (3, "F5")
    assert ("2020-12", "HM01") in got and got[("2020-12", "HM01")][0] is None
    assert {c.question for c in reading.cells} == {2}
    assert all(c.sheet == "Q2 CPA" for c in reading.cells)


def test_a_file_that_is_no_table_is_a_problem_not_a_crash() -> None:
    reading = read_tables([("broken.xlsx", b"PK\x03\x04 not really a zip")], QUESTIONS,
                          matcher(CODES))
    assert reading.cells == [] and reading.problems[0].kind == "unreadable"
    assert "broken.xlsx" in reading.problems[0].detail


def test_a_block_naming_no_question_waits_for_a_person_then_uses_the_answer() -> None:
    text = "Status,Jan-20,Feb-20\nOwner occupier,3,4\n"
    found = read_tables([("data.csv", text.encode())], QUESTIONS, matcher(CODES))
    assert found.cells == [] and found.problems[0].kind == "no_question"
    told = read_tables([("data.csv", text.encode())], QUESTIONS, matcher(CODES),
                       sheet_questions={"data.csv": 2})
    assert {c.question for c in told.cells} == {2} and not told.problems


@pytest.mark.parametrize(("label", "code", "method"), [
    ("MA01 - Owner occupier", "MA01", "file"),
    ("Owner Occupier", "MA01", "label"),
    ("Not Known", "OC99", "label"),               # the list's label without its brackets
    ("Tenant - private landlrd", "MA06", "fuzzy"),
    ("Tenant - private", "MA06", "words"),         # both words in one label only, 2 of 3
    ("Not Recorded", None, "none"),                # a part of a label is not that label
    ("Home Owner", None, "none"),
])
def test_labels_matched_to_codes(label: str, code: str | None, method: str) -> None:
    from extract.tables.cells import code_of
    found = match_label(matcher(CODES), label, code_of(label), coded_block=False)
    assert (found.code, found.method) == (code, method)


MHSDS = matcher(read_code_list(ROOT / "examples" / "mhsds-accommodation-status-codes.csv"))


@pytest.mark.parametrize(("label", "code", "method"), [
    ("Night shelter/Hostel", "HM03", "words"),     # every word in one label, half of them
    ("Extra care sheltered housing aka very sheltered housing", "SH02", "label"),
    ("Other accommodation with criminal justice support such as ex-offender support", "CJ12",
     "label"),                                     # its explanation left out
    ("Specialist rehab/recovery", "HS03", "label"),
    ("ACCOMM WITH CRIM JUSTICE SUPP", "CJ00", "label"),
    ("Other residential", None, "none"),           # in several labels, 2 of 8 words of one
    ("Accommodation with care", None, "none"),      # in several labels
    ("Not Recorded", None, "none"),                # only in OC99's explanation
    ("Private rent", None, "none"),                # another word for it: a person decides
])
def test_labels_matched_to_the_mhsds_list(label: str, code: str | None, method: str) -> None:
    found = match_label(MHSDS, label, None, coded_block=False)
    assert (found.code, found.method) == (code, method)


def test_a_retired_code_with_the_lists_label_beside_it() -> None:
    """A file's code the list no longer has: its label says the code; alone, it waits."""
    found = match_label(MHSDS, "Oth acc with criminal justice support", "CJ09",
                        coded_block=True)
    assert (found.code, found.method) == ("CJ12", "label")
    assert match_label(MHSDS, "CJ09", "CJ09", coded_block=True).code is None
    mapped = matcher(MHSDS.codes, {"CJ09": "CJ12"})   # until a person says what it is
    assert match_label(mapped, "CJ09", "CJ09", coded_block=True) == Match("CJ12", "mapping",
                                                                           100.0)


def test_a_guess_never_takes_a_code_another_row_has() -> None:
    """Two rows guessing one code (or a guess beside a row with that code) both wait."""
    head = "Question 1: people in contact\nStatus,Jan-21\n"
    both = head + "Staying with friends/family,4\nStaying with friends/family short term,2\n"
    alone = head + "Staying with friends/family,4\nOwner occupier,7\n"
    found = read_tables([("a.csv", both.encode())], QUESTIONS, MHSDS).cells
    assert {(c.category, c.code) for c in found} == {
        ("Staying with friends/family", None), ("Staying with friends/family short term", None)}
    found = read_tables([("a.csv", alone.encode())], QUESTIONS, MHSDS).cells
    assert {(c.category, c.code, c.match) for c in found} == {
        ("Staying with friends/family", "HM06", "prefix"), ("Owner occupier", "MA01", "label")}


def test_a_pivot_writes_each_code_once_over_its_labels() -> None:
    """A spreadsheet pivot: codes in one row, each over the first of its labels (sorted, so
    'NULL' may come first), months down; every label column under a code has that code."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "On CPA"
    sheet.append(["Question 2: people on CPA"])
    sheet.append([None, "MA01", None, "MA06", "NULL", "Grand Total"])
    sheet.append(["Row Labels", "NULL", "Owner occupier", "Tenant - private landlord", "NULL",
                  None])
    sheet.append(["2019"])
    sheet.append(["Jan", 2, 30, 11, 1, 44])
    sheet.append(["Feb", 1, 31, 12, 1, 45])
    data = io.BytesIO()
    book.save(data)
    found = read_tables([("cpa.xlsx", data.getvalue())], QUESTIONS, MHSDS)
    jan = {(c.cell, c.category, c.code) for c in found.cells if c.period == "2019-01"}
    assert jan == {("B5", "NULL", "MA01"), ("C5", "Owner occupier", "MA01"),
                   ("D5", "Tenant - private landlord", "MA06"), ("E5", "NULL", None)}


def test_a_persons_mapping_is_reused_for_every_authority_writing_that_label() -> None:
    m = matcher(CODES, {"Home Owner": "MA01", "Not Recorded": ""})
    assert match_label(m, "home owner", None, coded_block=False).code == "MA01"
    assert match_label(m, "HOME  OWNER", None, coded_block=False).method == "mapping"
    # mapped to no code: a category of the authority's own, no longer waiting
    assert match_label(m, "Not Recorded", None, coded_block=False) == match_label(
        m, "not recorded", None, coded_block=False)


def test_code_list_errors_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="columns 'code' and 'label'"):
        parse_code_list("id,name\nMA01,Owner\n")
    with pytest.raises(ValueError, match="'MA01' twice"):
        parse_code_list("code,label\nMA01,a\nMA01,b\n")


_CAMPAIGN = """
id = "t-tables"
title = "Tables"
reference_prefix = "TT"
[sender]
name = "A"
email = "a@b.example"
[letter]
subject = "s"
body = "b"
[[questions]]
key = "counts"
text = "Counts by month"
type = "table"
{table}
"""


def test_table_question_validated() -> None:
    ok = _CAMPAIGN.format(table='[questions.table]\nperiods = { from = "2018-01" }\n'
                                'categories = { code_list = "codes.csv" }')
    spec = parse_campaign(ok).questions[0].table
    assert spec is not None and spec.periods.start == "2018-01" and spec.measure == "count"
    with pytest.raises(CampaignFileError, match=r"needs a \[questions.table\]"):
        parse_campaign(_CAMPAIGN.format(table=""))
    with pytest.raises(CampaignFileError, match="'to' is earlier"):
        parse_campaign(_CAMPAIGN.format(
            table='[questions.table]\nperiods = { from = "2019-01", to = "2018-12" }\n'
                  'categories = { code_list = "c.csv" }'))


@pytest.mark.parametrize(("categories", "error"), [
    ('{ code_list = "c.csv", free = true }', "exactly one of code_list, hierarchy or free"),
    ("{}", "exactly one of code_list, hierarchy or free"),
    ('{ hierarchy = "h.csv" }', "a hierarchy needs its levels"),
    ('{ code_list = "c.csv", levels = ["Class"] }', "levels belong to a hierarchy"),
])
def test_categories_of_one_kind(categories: str, error: str) -> None:
    table = ('[questions.table]\nperiods = { by = "financial_year", from = "2019" }\n'
             f"categories = {categories}")
    with pytest.raises(CampaignFileError, match=error):
        parse_campaign(_CAMPAIGN.format(table=table))
    free = parse_campaign(_CAMPAIGN.format(table=table.replace(categories, "{ free = true }")))
    assert free.questions[0].table.categories.file is None


def test_a_hierarchy_matched_at_the_level_a_body_reports() -> None:
    from extract.tables.codes import level_of, parse_hierarchy

    codes = parse_hierarchy("Class,Sub class,Offence category\n"
                            "Theft,Shoplifting,46 Shoplifting\n"
                            "Theft,Other theft,49 Other Theft\n"
                            "Drug Offences,Possession of drugs,92C Possession of Cannabis\n",
                            ["Class", "Sub class", "Offence category"])
    m = matcher(codes)
    found = {label: match_label(m, label, None, coded_block=False) for label in (
        "Theft Offence", "SHOPLIFTING", "Drug Offence", "Possession of Cannabis",
        "Theft from the person", "Other")}
    assert {k: (level_of(v.code), v.method) for k, v in found.items()} == {
        "Theft Offence": ("Class", "label"), "SHOPLIFTING": ("Sub class", "label"),
        "Drug Offence": ("Class", "label"), "Possession of Cannabis": ("Offence category", "label"),
        "Theft from the person": (None, "none"), "Other": (None, "none")}
    with pytest.raises(Exception, match="no column 'Offence'"):
        parse_hierarchy("Class,Sub class\nTheft,Shoplifting\n", ["Class", "Offence"])


PARTS = [TableQuestion(1, "all", ("in contact",)), TableQuestion(2, "cpa", ("CPA",), part_of=1)]


def _monthly(rows: dict[str, tuple[int, int]]) -> bytes:
    lines = ["Accommodation status,2019-03,2019-04"]
    lines += [f"{label},{a},{b}" for label, (a, b) in rows.items()]
    return "\n".join(lines).encode()


def test_a_part_above_its_whole_is_a_problem_with_both_cells() -> None:
    """The journalist's check 'a subset cannot exceed its whole': people on CPA above all
    people in contact, for the same month and code, says the tables answer each other's
    questions (or a figure is wrong); figures at or below their whole raise nothing."""
    whole = _monthly({"Owner occupier": (40, 42), "Rough sleeper": (9, 8)})
    fine = _monthly({"Owner occupier": (12, 15), "Rough sleeper": (9, 6)})
    reading = read_tables([("in contact.csv", whole), ("cpa.csv", fine)], PARTS, matcher(CODES))
    assert {c.question for c in reading.cells} == {1, 2}
    assert not [p for p in reading.problems if p.kind == "part_exceeds_whole"]

    swapped = read_tables([("in contact.csv", fine), ("cpa.csv", whole)], PARTS, matcher(CODES))
    [problem] = [p for p in swapped.problems if p.kind == "part_exceeds_whole"]
    assert problem.filename == "cpa.csv" and problem.detail.startswith(
        "3 figure(s) of question 2 above those of question 1"), problem
    assert "2019-03 MA01 is 40 (cpa.csv row 2 col B) against 12 (in contact.csv row 2 col B)" \
        in problem.detail, problem.detail
    # without the campaign saying which is part of which, nothing is checked
    plain = read_tables([("in contact.csv", fine), ("cpa.csv", whole)], QUESTIONS, matcher(CODES))
    assert not [p for p in plain.problems if p.kind == "part_exceeds_whole"]


def test_part_of_names_another_table_question() -> None:
    table = ('[questions.table]\nperiods = { from = "2018-01" }\n'
             'categories = { code_list = "codes.csv" }\npart_of = "{whole}"')
    with pytest.raises(CampaignFileError, match="part_of names 'nothing'"):
        parse_campaign(_CAMPAIGN.format(table=table.replace("{whole}", "nothing")))
    with pytest.raises(CampaignFileError, match="part_of names 'counts'"):
        parse_campaign(_CAMPAIGN.format(table=table.replace("{whole}", "counts")))


def test_the_accommodation_example_says_cpa_and_s117_are_part_of_all_contacts() -> None:
    from flows.steps.tables import table_questions
    from foi.campaigns import read_campaign

    found = {q.key: q.part_of for q in table_questions(
        read_campaign(ROOT / "examples" / "mh-accommodation-2021.toml"))}
    assert found == {"all_contacts": None, "cpa": 1, "s117": 1}
