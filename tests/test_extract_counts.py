"""Counts as FOI officers write them (phrases from real replies to a housing-staff round-robin)."""

from __future__ import annotations

import pytest

from extract.interpreting.counts import number_value, read_count

STAFF_QUESTION = ("How many specialist housing staff (for example housing officers, housing link "
                  "workers or homelessness leads) does the Trust employ to support inpatients with "
                  "housing issues?")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("one dedicated social worker", "1"),
        ("The Trust has one dedicated social worker who supports inpatients.", "1"),
        ("We have two Band 6 housing link workers.", "2"),
        ("Twenty-one staff", "21"),
        ("Three", "3"),
        ("3 x Assistant Practitioners", "3"),
        ("1.0 WTE housing officer", "1"),
        ("2.6 WTE", "2.6"),
        ("There are 3 housing officers based at 2 sites.", "3"),
        ("We employ 4 housing officers (see section 4.2 of the policy).", "4"),
        ("The information was provided on 12 March 2021: 5 staff.", "5"),
        ("There is a total of 6 staff: 2 in Camden, 4 in Islington.", "6"),
    ],
)
def test_counts_in_figures_and_words(text: str, value: str) -> None:
    assert read_count(text, STAFF_QUESTION).value == value


@pytest.mark.parametrize(
    "text",
    [
        "zero specialist professionals",
        "We do not employ housing specialists.",
        "The Trust does not have these roles.",
        "None are currently specialists.",
        "No specialist housing staff are employed.",
        "We have no housing staff.",
        "nil",
    ],
)
def test_negatives_are_zero_with_the_phrase_as_evidence(text: str) -> None:
    reading = read_count(text, STAFF_QUESTION)
    assert (reading.value, reading.status, reading.rule) == ("0", "answered",
                                                             "says there are none")
    assert reading.detail and reading.detail.lower() in text.lower()


def test_not_holding_is_not_zero() -> None:
    assert read_count("We do not record staff by this specialism.", STAFF_QUESTION).value is None


@pytest.mark.parametrize(
    ("text", "total", "detail"),
    [
        ("Camden: 2\nIslington: 1\nBarnet: 3", "6", "Camden 2; Islington 1; Barnet 3"),
        ("\u2022 2 x Housing Officers\n\u2022 1 x Homelessness Lead", "3",
         "Housing Officers 2; Homelessness Lead 1"),
    ],
)
def test_a_breakdown_is_summed_and_kept(text: str, total: str, detail: str) -> None:
    reading = read_count(text, STAFF_QUESTION)
    assert (reading.value, reading.detail, reading.rule) == (total, detail, "sum of breakdown")


def test_a_stated_total_that_disagrees_with_its_parts_is_doubted() -> None:
    reading = read_count("Total: 7\nWard A: 2\nWard B: 3", STAFF_QUESTION)
    assert reading.value == "7" and reading.confidence <= 0.5 and "sum 5" in (reading.detail or "")


@pytest.mark.parametrize("text", ["fewer than 5", "<5", "*", "Less than five staff"])
def test_suppressed_small_numbers(text: str) -> None:
    reading = read_count(text, STAFF_QUESTION)
    assert (reading.status, reading.value) == ("suppressed", None)


def test_approximately_and_ranges() -> None:
    approx = read_count("approximately 12 staff", STAFF_QUESTION)
    assert (approx.value, approx.detail) == ("12", "approximately")
    ranged = read_count("between 3 and 5 staff", STAFF_QUESTION)
    assert (ranged.value, ranged.detail) == ("3", "range 3-5")
    assert read_count("c. 4 WTE", STAFF_QUESTION).value == "4"


@pytest.mark.parametrize(
    "text",
    [
        "All our staff support patients with housing.",
        "All of our ward staff support patients with their housing needs; we have 250 ward staff.",
    ],
)
def test_all_staff_is_never_the_count_of_specialists(text: str) -> None:
    reading = read_count(text, STAFF_QUESTION)
    assert (reading.status, reading.value) == ("unclear", None)


def test_several_numbers_lower_confidence_and_say_so() -> None:
    reading = read_count("We have 3 housing officers and 7 social workers.", STAFF_QUESTION)
    assert reading.value == "3" and reading.confidence < 0.7 and "also: 7" in (reading.detail or "")


@pytest.mark.parametrize(("token", "value"), [("2,300", 2300), ("twenty-one", 21), ("a dozen", 12)])
def test_number_value(token: str, value: int) -> None:
    assert number_value(token) == value


@pytest.mark.parametrize(("text", "value"), [("two million pounds", "2000000.00"),
                                             ("Twenty-five thousand pounds", "25000.00"),
                                             ("five hundred pounds", "500.00")])
def test_money_in_words(text: str, value: str) -> None:
    from extract.interpreting.values import parse_money

    assert parse_money(text)[0] == value


def test_a_value_with_part_not_held_is_partly() -> None:
    from extract.interpreting.interpret import read_answer
    from extract.passages.reply import QuestionSpec

    question = QuestionSpec(1, "staff", STAFF_QUESTION, "count")
    reading = read_answer("We employ 3 housing officers. Figures before 2019 are not held "
                          "centrally.", question)
    assert (reading.status, reading.value) == ("partly", "3")
    assert "not held" in (reading.detail or "")


# issue 19, "a denial followed by a contrast": never a confident zero. Real answers of councils
# in the tuning half of localgov-foi-admin-2018 (A-M, split by tests.corpora._split_key), with
# the research team's count beside each.
_DENIAL_THEN_COUNT = {"High Peak Borough Council": "3", "Guildford Borough Council": "11",
                      "Elmbridge Borough Council": "0.5"}
# A denial, then (with no turn word) a sentence counting people who do it: the coders' own
# figures differ from both readings, so it is a doubt.
_DENIAL_THEN_PEOPLE = {"Dudley Council": "2", "Lancaster City Council": "2",
                       "Braintree District Council": "2", "East Riding of Yorkshire Council": "1"}
_PLAIN_ANSWERS = {"Bury Metropolitan Borough Council": "0"}


def _localgov_answer(council: str) -> str:
    import csv

    from tests.conftest import shared_path

    path = shared_path("corpus", "localgov-foi-admin-2018") / "answers.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Authority"] == council:
                return row["1 How many people are employed to deal with FOI?"]
    raise KeyError(council)


def _denial_cases() -> list[tuple[str, str]]:
    """(council, the rule that must doubt it) of both kinds of denial followed by a count."""
    return ([(c, "a denial, then a contrasting count") for c in sorted(_DENIAL_THEN_COUNT)]
            + [(c, "a denial, then a count of people") for c in sorted(_DENIAL_THEN_PEOPLE)])


@pytest.mark.parametrize(("council", "rule"), _denial_cases())
def test_a_denial_then_a_count_is_a_doubt_not_a_zero(council: str, rule: str) -> None:
    from tests.corpora import half_of_names

    assert half_of_names(council, "localgov") == "tuning"
    found = read_count(_localgov_answer(council), "How many people are employed to deal with FOI?")
    assert found.value is None and found.status == "unclear", found
    assert found.rule == rule and found.confidence < 0.6


@pytest.mark.parametrize(("council", "count"), sorted(_PLAIN_ANSWERS.items()))
def test_a_plain_denial_is_read_as_none(council: str, count: str) -> None:
    found = read_count(_localgov_answer(council), "How many people are employed to deal with FOI?")
    assert found.value == count, found


@pytest.mark.parametrize("seed", range(12))
def test_denials_with_a_contrast_generated(seed: int) -> None:
    """A family written from how officers put it: a denial of the role asked about, a turn,
    then a count of people doing part of it."""
    import random

    rng = random.Random(seed)
    denial = rng.choice(["We have no specialist housing workers", "There is no dedicated post",
                         "No staff are employed specifically for this",
                         "The Trust does not employ a housing specialist"])
    turn = rng.choice(["; however,", ". However,", ", but", ". Although", "; in the third area,"])
    count = rng.choice(["two", "3", "one", "1.5 WTE"])
    rest = rng.choice(["discharge co-ordinators support this", "staff cover it in their roles",
                       "worker who specialises in it"])
    text = f"{denial}{turn} {count} {rest}."
    found = read_count(text, "How many specialist housing staff do you employ?")
    assert found.value != "0", (text, found)
    assert found.status == "unclear" or found.confidence < 0.6, (text, found)


def test_a_person_for_some_hours_a_week_is_not_a_sure_headcount() -> None:
    """Gedling (tuning half): 'one person at 20 hours per week', coded 0.5 FTE: read as 1, but
    as a doubt of its own calibration family, never sure."""
    from extract.judging.confidence import rule_family
    from tests.corpora import half_of_names

    assert half_of_names("Gedling Borough Council", "localgov") == "tuning"
    found = read_count(_localgov_answer("Gedling Borough Council"),
                       "How many people are employed to deal with FOI?")
    assert found.value == "1" and found.confidence <= 0.5, found
    assert rule_family(found.rule).startswith("doubtful"), found.rule


@pytest.mark.parametrize("seed", range(12))
def test_part_time_counts_generated(seed: int) -> None:
    """A family written from how officers give part-time staff: a headcount with hours, a
    share of time or 'part-time' beside it is a doubt; the same count stated as FTE is not."""
    import random

    rng = random.Random(seed)
    count = rng.choice(["One officer", "2 staff", "Three people", "1 person"])
    part = rng.choice(["working 18.5 hours per week", "on a part-time basis",
                       "spending 40% of their time on it", "for 15 hours a week"])
    text = f"{count} {part} deal with FOI requests."
    found = read_count(text, "How many people are employed to deal with FOI?")
    assert found.confidence <= 0.5 and found.rule.startswith("doubtful"), (text, found)
    plain = read_count("0.6 FTE deal with FOI requests, part-time.",
                       "How many people are employed to deal with FOI?")
    assert plain.value == "0.6" and not plain.rule.startswith("doubtful"), plain


@pytest.mark.parametrize("seed", range(8))
def test_denials_then_people_generated(seed: int) -> None:
    """A denial of a dedicated post, then a sentence naming how many people do the work."""
    import random

    rng = random.Random(seed)
    denial = rng.choice(["No one is employed solely to deal with FOI.",
                         "The council does not employ staff specifically for FOI requests.",
                         "There are no dedicated FOI officers."])
    people = rng.choice(["There are 4 information governance officers who coordinate them.",
                         "The work is shared by three members of the legal team.",
                         "It is included within 2 people's job descriptions."])
    found = read_count(f"{denial} {people}", "How many people are employed to deal with FOI?")
    assert found.status == "unclear" and found.value is None, (denial, people, found)


def test_posts_listed_with_how_many_after_each_are_summed() -> None:
    """Greenwich (tuning half, coded 4): 'Head of Corporate Services x 1 … Officer x 1'."""
    from tests.corpora import half_of_names

    assert half_of_names("Greenwich Borough Council", "localgov") == "tuning"
    found = read_count(_localgov_answer("Greenwich Borough Council"),
                       "How many people are employed to deal with FOI?")
    assert (found.value, found.rule) == ("4", "sum of breakdown"), found


def test_a_bulleted_list_of_roles_is_not_a_suppressed_figure() -> None:
    """Hillingdon (tuning half): '* Information Governance Lawyer * …': bullets, not the
    asterisk that stands for a suppressed small number."""
    from tests.corpora import half_of_names

    assert half_of_names("Hillingdon Borough Council", "localgov") == "tuning"
    found = read_count(_localgov_answer("Hillingdon Borough Council"),
                       "How many people are employed to deal with FOI?")
    assert found.status != "suppressed", found
    assert read_count("*", "How many?").status == "suppressed"


@pytest.mark.parametrize("seed", range(6))
def test_posts_then_how_many_generated(seed: int) -> None:
    import random

    rng = random.Random(seed)
    posts = rng.sample(["Information Governance Manager", "FOI Officer", "Records Assistant",
                        "Data Protection Lead", "Legal Assistant"], 3)
    counts = [rng.choice([1, 2, 3]) for _ in posts]
    sep = rng.choice(["\n", "; ", " "])
    text = "The team: " + sep.join(f"{p} x {n}" for p, n in zip(posts, counts, strict=True))
    found = read_count(text, "How many people are employed to deal with FOI?")
    assert found.value == str(sum(counts)), (text, found)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("2.5 WTE housing specialists", "2.5", "fte"),
        ("1.0 whole time equivalent housing officer", "1", "fte"),
        ("We employ 3 housing officers.", "3", "people"),
        ("Two posts, both vacant at present.", "2", "posts"),
        ("The team spends 37 hours per week on housing.", "37", "hours"),
        ("A total of 4 FTE.", "4", "fte"),
        ("between 2 and 4 staff", "2", "people"),
        ("3", "3", None),
    ],
)
def test_a_count_carries_the_unit_its_answer_gives(text: str, value: str, unit: str | None
                                                   ) -> None:
    reading = read_count(text, STAFF_QUESTION)
    assert (reading.value, reading.unit) == (value, unit)


@pytest.mark.parametrize(
    ("text", "asked"),
    [("2.5 WTE housing specialists", "people"), ("2.5 WTE housing specialists", "posts"),
     ("The team spends 37 hours per week on housing.", "people"),
     ("We employ 3 housing officers.", "hours")],
)
def test_a_count_in_another_unit_than_asked_is_a_doubt(text: str, asked: str) -> None:
    unasked = read_count(text, STAFF_QUESTION)
    doubted = read_count(text, STAFF_QUESTION, asked)
    assert doubted.value == unasked.value and doubted.unit == unasked.unit
    assert doubted.rule.startswith("unit differs: ") and f"asked in {asked}" in doubted.detail
    assert doubted.confidence <= min(0.5, unasked.confidence)


@pytest.mark.parametrize(
    ("text", "asked"),
    [("We employ 3 housing officers.", "posts"), ("Two posts.", "people"),
     ("We employ 3 full-time housing officers.", "fte"), ("2.5 WTE", "fte"), ("3", "people")],
)
def test_a_count_in_a_unit_that_stands_for_the_asked_one_is_not_doubted(text: str, asked: str
                                                                        ) -> None:
    assert read_count(text, STAFF_QUESTION, asked) == read_count(text, STAFF_QUESTION)


def test_the_unit_asked_and_given_reach_the_warehouse(tmp_path) -> None:
    """A campaign asks one count in people and one in FTE; replies by post give '2.5 WTE' and
    '3 housing officers': v_answers says the unit of each figure and the unit asked, and the
    figure in another unit than asked waits for a person."""
    from typer.testing import CliRunner

    from flows.cli import app
    from reports.summary import headline
    from warehouse.db import connect, rows

    from .conftest import ROOT
    from .test_extract_answers import make_pdf

    source = (ROOT / "examples" / "mh-housing-staff.toml").read_text(encoding="utf-8")
    source = source.replace('keywords = ["ward", "wards", "hospital", "inpatient", "acute"]',
                            'keywords = ["ward", "wards", "hospital", "inpatient", "acute"]\n'
                            'unit = "people"')
    source = source.replace('keywords = ["community", "outpatient", "teams"]',
                            'keywords = ["community", "outpatient", "teams"]\nunit = "fte"')
    campaign = tmp_path / "housing.toml"
    campaign.write_text(source, encoding="utf-8")
    home = ["--home", str(tmp_path / "ws")]
    runner = CliRunner()
    for command in (["init"], ["authorities", "import", str(ROOT / "simulator" / "data" /
                                                            "mh-trusts.csv")],
                    ["campaign", "add", str(campaign)], ["send", "mh-housing-staff", "--limit",
                                                          "1"]):
        done = runner.invoke(app, [*command, *home])
        assert done.exit_code == 0, done.output
    con = connect(tmp_path / "ws" / "foi.duckdb", read_only=True)
    reference = con.execute("SELECT reference FROM requests").fetchone()[0]
    con.close()
    letter = tmp_path / "reply.pdf"
    letter.write_bytes(make_pdf([[f"Freedom of Information request {reference}", "",
                                  "1. The Trust employs 2.5 WTE housing specialists on its wards.",
                                  "2. Please find our discharge policy attached.",
                                  "3. 3 housing officers work with the community teams."]]))
    for command in (["attach", reference, str(letter), "--received", "2023-05-03"], ["extract"]):
        done = runner.invoke(app, [*command, *home])
        assert done.exit_code == 0, done.output
    con = connect(tmp_path / "ws" / "foi.duckdb", read_only=True)
    try:
        found = {r["question_key"]: r for r in rows(
            con, "SELECT question_key, value, unit, asked_unit, needs_review, reason"
                 " FROM v_answers")}
    finally:
        con.close()
    inpatient, community = found["inpatient_housing_staff"], found["community_housing_staff"]
    assert (inpatient["value"], inpatient["unit"], inpatient["asked_unit"]) == ("2.5", "fte",
                                                                               "people")
    assert inpatient["needs_review"], inpatient["reason"]
    assert (community["value"], community["unit"], community["asked_unit"]) == ("3", "people",
                                                                               "fte")
    assert found["discharge_protocol"]["unit"] is None
    # the published figures: a total only of figures in the unit asked
    con = connect(tmp_path / "ws" / "foi.duckdb", read_only=True)
    try:
        summary = {r["question_key"]: r for r in rows(
            con, "SELECT question_key, asked, answered, total, other_unit FROM v_campaign_summary")}
    finally:
        con.close()
    assert summary["inpatient_housing_staff"]["asked"] == 1, summary
    assert (summary["inpatient_housing_staff"]["total"],
            summary["inpatient_housing_staff"]["other_unit"]) == (None, 1)
    assert (summary["community_housing_staff"]["total"],
            summary["community_housing_staff"]["other_unit"]) == (3, 0)
    sentence = headline({**summary["inpatient_housing_staff"], "question_type": "count",
                         "question_number": 1, "question_text": "", "yes": 0, "no": 0},
                        "trust", "trusts").sentence
    assert "one gave a figure in another unit than asked, left out of the total" in sentence


@pytest.mark.parametrize(("text", "parts"), [
    ("In our North locality there are 2 housing officers. In the South locality there is 1 "
     "housing officer.", "2 housing officers + 1 housing officer = 3"),
    ("The North team has 2 officers; the South team has 1 officer.", "2 officers + 1 officer = 3"),
    ("Two officers in the Housing department, one officer in Planning and three officers in "
     "Social Care.", "Two officers + one officer + three officers = 6"),
])
def test_counts_given_part_by_part_are_summed_and_doubted(text: str, parts: str) -> None:
    """A figure per locality, team or department: the first figure was taken for the whole
    (2, at 0.93); their sum is one reading, for a person to confirm."""
    reading = read_count(text, STAFF_QUESTION)
    assert reading.value == parts.rsplit(" ", 1)[1] and reading.detail == parts
    assert reading.rule.startswith("doubtful") and reading.confidence <= 0.5


@pytest.mark.parametrize(("text", "value"), [
    ("There are 5 posts (4.2 WTE) in the Trust's community teams.", "5"),
    ("There is a team of five accommodation officers (one housing link worker at Band 6 in "
     "each locality).", "5"),
    ("We have 3 housing officers, and 1 officer was recruited in May.", "3"),
])
def test_a_count_and_its_breakdown_or_other_unit_are_not_parts(text: str, value: str) -> None:
    reading = read_count(text, STAFF_QUESTION)
    assert reading.value == value and not reading.rule.startswith("doubtful"), reading
