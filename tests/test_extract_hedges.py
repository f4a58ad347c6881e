"""Answers as councils wrote them (issue 19): a figure alone on its line, a link for an answer,
'not at present', a log being looked at. Real answers of the tuning half of
localgov-foi-admin-2018, each composed into a reply (tests.corpora.localgov_replies), with the
research team's coding as the label; then a generated family for each."""

from __future__ import annotations

import random

import pytest

from extract.answers import PageText, read_whole_reply
from extract.judging.confidence import review_threshold
from tests.corpora import LOCALGOV_QUESTIONS, half_of_names, localgov_tuning

_TUNING = {r.authority: r for r in localgov_tuning()}


def _read(council: str, number: int):
    assert half_of_names(council, "localgov") == "tuning"
    reply = _TUNING[council]
    return read_whole_reply(list(reply.pages), list(LOCALGOV_QUESTIONS)).answers[number - 1]


@pytest.mark.parametrize(("council", "count"), [("Ashford Borough Council", "1"),
                                                ("Merthyr Tydfil Council", "1")])
def test_a_figure_alone_on_its_line_is_the_answer_not_a_page_number(council: str,
                                                                    count: str) -> None:
    answer = _read(council, 1)
    assert (answer.status, answer.value) == ("answered", count), answer


@pytest.mark.parametrize("council", ["Boston Borough Council", "Cambridge City Council",
                                     "Cardiff Council", "Leicester City Council"])
def test_a_link_alone_says_the_log_is_published(council: str) -> None:
    answer = _read(council, 4)
    assert (answer.status, answer.value) == ("answered", "yes"), answer
    assert answer.method == "restated" and "link" in (answer.reason or ""), answer


@pytest.mark.parametrize("council", ["Guildford Borough Council", "Ealing Borough Council",
                                     "Havering Borough Council"])
def test_not_at_present_is_a_no(council: str) -> None:
    answer = _read(council, 4)
    assert (answer.status, answer.value) == ("answered", "no"), answer


@pytest.mark.parametrize("council", ["Fife Council", "Hounslow Borough Council"])
def test_a_log_being_looked_at_is_not_a_sure_yes(council: str) -> None:
    answer = _read(council, 4)
    assert answer.value != "yes", answer
    assert answer.confidence < review_threshold(), answer


def _reply(answer_1: str, answer_4: str, layout: int) -> list[PageText]:
    parts = ["Dear Ms Smith,\n\nThank you for your request. Our response is below.\n"]
    answers = [answer_1, "There is no separate budget.", "Yes, we use iCasework.", answer_4]
    for spec, text in zip(LOCALGOV_QUESTIONS, answers, strict=True):
        parts.append(f"{spec.number}. {spec.text}\n{text}\n" if layout == 0 else
                     f"Q{spec.number} {spec.text}\nAnswer: {text}\n")
    parts.append("Page 1 of 1\n\nYours sincerely,\nInformation Team\n2")
    return [PageText("body", 1, "\n".join(parts), filename="", part=0, kind="text")]


@pytest.mark.parametrize("seed", range(10))
def test_generated_figures_links_and_hedges(seed: int) -> None:
    """A family written from the shapes above: a bare figure under its question, a link under
    its question, 'not at present' and plans, in two layouts; the page numbers at the foot
    of the page still go."""
    rng = random.Random(seed)
    figure = rng.choice(["1", "2", "3", "0.5"])
    kind = rng.choice(["link", "not now", "plans"])
    text, value = {
        "link": (rng.choice(["https://www.example.gov.uk/foi/disclosure-log",
                             "www.example.gov.uk/disclosure", "[1]https://example.gov.uk/log"]),
                 "yes"),
        "not now": (rng.choice(["Not at present.", "Not at this time", "Not currently."]), "no"),
        "plans": (rng.choice(["We are looking at publishing one next year.",
                              "The council intends to publish a log from April.",
                              "A disclosure log is being developed."]), "no"),
    }[kind]
    answers = read_whole_reply(_reply(figure, text, seed % 2), list(LOCALGOV_QUESTIONS)).answers
    assert (answers[0].status, answers[0].value) == ("answered", figure), answers[0]
    assert (answers[3].status, answers[3].value) == ("answered", value), (text, answers[3])
    if kind == "plans":
        assert answers[3].confidence < review_threshold(), answers[3]


@pytest.mark.parametrize("seed", range(10))
def test_a_document_released_with_names_redacted_is_provided_not_refused(seed: int) -> None:
    """'A redaction read as a refusal' (issue 19): no reply of the shared corpora redacts a
    document it releases, so a generated family, written from how officers say it; a
    document withheld whole stays a refusal."""
    from extract.interpreting.interpret import read_answer
    from extract.passages.reply import QuestionSpec

    rng = random.Random(seed)
    question = QuestionSpec(2, "protocol", "Please provide a copy of your discharge protocol "
                            "for patients who are homeless.", "document")
    given = rng.choice(["Please find attached our protocol.", "The protocol is attached.",
                        "A copy of the policy is enclosed."])
    part = rng.choice(["The names of individual staff have been redacted",
                       "Personal data has been withheld", "Staff contact details were removed",
                       "Some information has been redacted"])
    section = rng.choice(["under section 40(2) of the Act", "under s40(2) FOIA",
                          "as it is exempt under section 40"])
    reading = read_answer(f"{given} {part} {section}.", question)
    assert (reading.status, reading.value) == ("answered", "provided"), reading
    assert reading.sections and reading.sections[0].startswith("s40"), reading
    assert reading.rule == "provided, partly redacted"
    withheld = read_answer(f"The protocol is withheld {section}.", question)
    assert withheld.status == "refused", withheld


@pytest.mark.parametrize("seed", range(8))
def test_exempt_because_already_published_is_a_yes(seed: int) -> None:
    """'Do you publish…?' answered 'exempt under section 21 as it is already published' is a
    yes (issue 19; no A-M council wrote it, so a generated family); another section's
    refusal stays a refusal."""
    from extract.interpreting.interpret import read_answer
    from extract.passages.reply import QuestionSpec

    rng = random.Random(seed)
    question = QuestionSpec(4, "disclosure_log", "Do you publish a disclosure log?", "yes_no")
    text = rng.choice([
        "This information is exempt under section 21 of the Act as it is already published "
        "on our website.",
        "Section 21 applies: the log is reasonably accessible to you at www.example.gov.uk.",
        "The information is exempt under s21 FOIA because it is available on our website."])
    reading = read_answer(text, question)
    assert (reading.status, reading.value, reading.sections) == ("answered", "yes", ("s21",)), (
        text, reading)
    assert read_answer("We withhold this under section 43 (commercial interests).",
                       question).status == "refused"


@pytest.mark.parametrize("seed", range(8))
def test_no_document_but_a_description_when_the_question_allows_one(seed: int) -> None:
    """'No document, but the answer in words' (issue 19), a generated family: when the
    question asks for a description if there is no document, a reply that has none and
    describes what it does answers it; the same reply to a question that asks for the
    document alone is not held, as is a bare 'we have no protocol'."""
    from extract.interpreting.interpret import read_answer
    from extract.passages.reply import QuestionSpec

    rng = random.Random(seed)
    ask = "Please provide a copy of the Trust's protocol for discharging homeless inpatients"
    allows = QuestionSpec(2, "protocol", ask + rng.choice([
        " or, if there is no protocol, describe the process you follow.",
        ". If you have no such protocol, please describe how discharge is arranged.",
        ", or a description of the process where there is no written protocol."]), "document")
    only = QuestionSpec(2, "protocol", ask + ".", "document")
    denial = rng.choice(["The Trust does not have a specific protocol for this.",
                         "There is no separate policy for homeless patients."])
    how = rng.choice(["The process is that ward staff refer the patient to the housing options "
                      "team of the local authority before discharge.",
                      "We follow the duty to refer: staff will notify the council's housing team "
                      "and agree the discharge date with them."])
    reading = read_answer(f"{denial} {how}", allows)
    assert (reading.status, reading.value) == ("answered", "described"), reading
    assert read_answer(f"{denial} {how}", only).status == "not_held"
    assert read_answer(denial, allows).status == "not_held"


@pytest.mark.parametrize(("council", "count", "unit"), [
    ("Boston Borough Council", "1", "fte"),          # "1FTE": the unit glued to its figure
    ("Hyndburn Borough Council", "1", None),         # "One (as a part of a role)"
    ("Canterbury City Council", "1", "posts"),       # "one full time position employed"
])
def test_a_count_written_tight_or_with_an_aside_is_read(council: str, count: str,
                                                        unit: str | None) -> None:
    answer = _read(council, 1)
    assert (answer.status, answer.value, answer.unit) == ("answered", count, unit), answer


@pytest.mark.parametrize("council", ["Cambridge City Council", "Mansfield District Council",
                                     "Bromsgrove District Council"])
def test_a_count_for_a_service_shared_with_other_councils_is_a_doubt(council: str) -> None:
    """'One full time officer for 3C Shared Services' (coded 0.3), 'Three people - for
    Mansfield and Ashfield' (1.8), '3 posts … a shared service across Redditch and Bromsgrove'
    (0): the figure is the shared team's; this council's share is for a person to judge."""
    answer = _read(council, 1)
    assert "shared with other bodies" in answer.reason, answer
    assert answer.confidence < review_threshold(), answer


@pytest.mark.parametrize("seed", range(4))
def test_shared_services_generated(seed: int) -> None:
    rng = random.Random(seed)
    figure = rng.choice(["Two officers", "3 members of staff", "One full time post"])
    shared = rng.choice(["as part of a shared service with Northtown Borough Council",
                         "for Northtown District Council and Southby District Council",
                         "within the Anyshire strategic partnership"])
    alone = read_whole_reply(_reply(f"{figure}.", "Yes.", seed % 2), list(LOCALGOV_QUESTIONS))
    assert alone.answers[0].confidence >= review_threshold(), alone.answers[0]
    doubted = read_whole_reply(_reply(f"{figure} {shared}.", "Yes.", seed % 2),
                               list(LOCALGOV_QUESTIONS)).answers[0]
    assert doubted.value == alone.answers[0].value
    assert doubted.confidence < review_threshold(), doubted
