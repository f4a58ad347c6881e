"""Classifying whole replies and finding the FOIA/EIR sections they rely on."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from extract.answers import ExtractedAnswer, PageText, QuestionSpec, extract_answers
from extract.interpreting.sections import cited_sections
from extract.judging.outcomes import classify_reply
from extract.reading.documents import read_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cipfa-libraries-2017"
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "labels.csv").exists(), reason=f"real-reply corpus not found at {CORPUS}"
)
QUESTIONS = (
    QuestionSpec(
        1,
        "q1",
        "Could you answer if the library service or local authority completes "
        "annual CIPFA library stats",
        "yes_no",
    ),
    QuestionSpec(
        2,
        "q2",
        "If the answer to the above is Yes, please could you send your 2017 "
        "CIPFA library stats return (covering financial year 2016/2017)?",
        "document",
    ),
)


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        ("This request is refused under section 12 of the Act.", ("s12",)),
        ("We are applying s.12 (cost limit).", ("s12",)),
        ("exempt under s12", ("s12",)),
        ("withheld under Section 40(2) and Section 43(2)", ("s40(2)", "s43(2)")),
        ("relying on s 43 (2) (commercial interests)", ("s43(2)",)),
        ("the exemption under section 22 (Future Publication) applies", ("s22",)),
        ("exempt under sections 40(2), 41 and 43(2) of the FOIA", ("s40(2)", "s41", "s43(2)")),
        ("Section 36(2)(b)(ii) applies", ("s36(2)(b)(ii)",)),
        ("S.21 – information reasonably accessible", ("s21",)),
        ("we refuse under regulation 12(4)(b) of the EIR", ("reg12(4)(b)",)),
        ("Regulation 12(5)(e) and reg. 13 apply", ("reg12(5)(e)", "reg13")),
        ("section 14(1) – vexatious request", ("s14(1)",)),
        ("exempt under section 38 of FOISA", ("s38",)),
    ],
)
def test_cited_sections(text: str, sections: tuple[str, ...]) -> None:
    assert cited_sections(text) == sections


@pytest.mark.parametrize(
    "text",
    [
        "You have a right under Section 50 of the Act to complain to the Information Commissioner.",
        "Under section 1 of the Freedom of Information Act 2000 you have the right to be told.",
        "We are happy to offer advice and assistance under Section 16.",
        "This letter is a refusal notice under section 17.",
        "Section 12 - Supplementary Financial Information",
        "see section 3 of the questionnaire",
        "as defined in section 40 of the Data Protection Act 2018",
        "The Council's 12 libraries",
        "Thank you for your request of 12 May.",
        "Our reference is FOI/s12345.",
        "This is 21 days late.",
    ],
)
def test_cited_sections_ignores_procedure_and_lookalikes(text: str) -> None:
    assert cited_sections(text) == ()


def answer(key: str, status: str, sections: tuple[str, ...] = ()) -> ExtractedAnswer:
    value = "yes" if status == "answered" else None
    return ExtractedAnswer(key, status, value, 0.9, "d", 1, "snippet", "numbered", sections)


@pytest.mark.parametrize(
    ("statuses", "outcome"),
    [
        (["answered", "answered"], "successful"),
        (["answered", "not_applicable"], "successful"),
        (["answered", "refused"], "partially_successful"),
        (["answered", "not_held"], "partially_successful"),
        (["refused", "refused"], "refused"),
        (["refused", "not_held"], "refused"),
        (["not_held", "not_held"], "not_held"),
    ],
)
def test_outcome_from_answers(statuses: list[str], outcome: str) -> None:
    answers = [
        answer(f"q{i}", s, ("s43(2)",) if s == "refused" else ()) for i, s in enumerate(statuses)
    ]
    result = classify_reply("", answers)
    assert result.outcome == outcome
    if "refused" in statuses and outcome != "successful":
        assert result.sections == ("s43(2)",)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        (
            "Dear Ms Rowe, we have received your request for information and will respond within "
            "20 working days, by 4 October 2017.",
            "acknowledgement",
        ),
        (
            "Thank you for your request. Please clarify which financial year you mean, so that we "
            "can identify the information.",
            "clarification",
        ),
        (
            "We estimate that answering would exceed the appropriate limit, so we refuse the "
            "request under section 12.",
            "refused",
        ),
        ("The Council does not hold the information you requested.", "not_held"),
        ("Here is some news about the library.", "unknown"),
    ],
)
def test_outcome_from_text(text: str, outcome: str) -> None:
    result = classify_reply(
        text + " If you are not satisfied you may ask for an internal review under section 50."
    )
    assert result.outcome == outcome
    assert "internal review" not in (result.evidence or "")
    assert "s50" not in result.sections


def test_refusal_evidence_is_the_citing_sentence() -> None:
    result = classify_reply("Dear Sir. The information is exempt under section 43(2). Regards.")
    assert result == result.__class__(
        "refused", ("s43(2)",), "The information is exempt under section 43(2)."
    )


def corpus_reply(filename: str) -> tuple[str, list[ExtractedAnswer], dict[str, str]]:
    with (CORPUS / "labels.csv").open(newline="", encoding="utf-8") as handle:
        label = next(r for r in csv.DictReader(handle) if filename in r["files"].split(";"))
    document = read_document((CORPUS / "responses" / filename).read_bytes(), filename)
    pages = [PageText(filename, i, t) for i, t in enumerate(document.pages, start=1)]
    return document.text, extract_answers(pages, QUESTIONS), label


@needs_corpus
def test_barking_and_dagenham_refused_under_s22_not_s50() -> None:
    text, answers, label = corpus_reply("BarkingAndDagenhamResponse.docx")
    assert "Section 50" in text  # the appeal boilerplate is there, and must not count
    result = classify_reply(text, answers)
    assert result.outcome == label["outcome"] == "refused"
    assert result.sections == tuple(label["exemptions"].split(";")) == ("s22",)
    assert "section 22" in (result.evidence or "")


@needs_corpus
def test_bexley_cites_s21() -> None:
    text, answers, label = corpus_reply("BexleyResponse.pdf")
    result = classify_reply(text, answers)
    assert result.sections == tuple(label["exemptions"].split(";"))
    # labelled 'refused' by the requester; q1 was answered, so by our rule it is partial
    assert result.outcome == "partially_successful"


@needs_corpus
def test_birmingham_partially_successful() -> None:
    text, answers, label = corpus_reply("BirminghamResponse.docx")
    result = classify_reply(text, answers)
    assert result.outcome == label["outcome"] == "partially_successful"
    assert result.sections == ()
