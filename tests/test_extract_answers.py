"""Finding each question's answer in real and generated FOI replies, and parsing it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from reportlab.platypus import SimpleDocTemplate, Table

from extract.answers import ExtractedAnswer, PageText, QuestionSpec, extract_answers
from extract.interpreting.values import (
    parse_count,
    parse_date,
    parse_money,
    parse_number,
    parse_yes_no,
)
from extract.judging.confidence import review_threshold
from extract.judging.outcomes import classify_reply
from extract.reading.documents import read_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cipfa-libraries-2017"
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "labels.csv").exists(), reason=f"real-reply corpus not found at {CORPUS}"
)

CIPFA_QUESTIONS = (
    QuestionSpec(
        1,
        "completes_return",
        "Could you answer if the library service or local authority completes annual CIPFA "
        "library stats",
        "yes_no",
    ),
    QuestionSpec(
        2,
        "return_provided",
        "If the answer to the above is Yes, please could you send your 2017 CIPFA library stats "
        "return (covering financial year 2016/2017)?",
        "document",
    ),
)

AMBULANCE_QUESTIONS = (
    QuestionSpec(
        1, "policy", "Does the Trust have a policy on the use of private ambulances?", "yes_no"
    ),
    QuestionSpec(
        2, "spend", "How much did the Trust spend on private ambulances in 2022/23?", "money"
    ),
    QuestionSpec(
        3,
        "complaints",
        "How many complaints did the Trust receive about ambulance delays in 2022/23?",
        "count",
    ),
    QuestionSpec(4, "copy", "Please provide a copy of the policy.", "document"),
)

BOILERPLATE = [
    "If you are not satisfied with this response you may ask for an internal review",
    "within 40 working days. If you remain dissatisfied you have the right under",
    "Section 50 of the Act to complain to the Information Commissioner.",
    "Yours sincerely,",
    "Freedom of Information Team",
]


def make_pdf(pages: list[list[str]]) -> bytes:
    """A text PDF letter: each inner list is one page, one string per line."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for lines in pages:
        y = 800
        pdf.setFont("Helvetica", 10)
        for line in lines:
            pdf.drawString(50, y, line)
            y -= 14
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pages_of(data: bytes, name: str) -> list[PageText]:
    document = read_document(data, name)
    assert document.status == "ok", document.error
    return [PageText(name, i, text) for i, text in enumerate(document.pages, start=1)]


def by_key(answers: list[ExtractedAnswer]) -> dict[str, ExtractedAnswer]:
    return {a.question_key: a for a in answers}


# --- generated replies in the styles authorities use -----------------------------------------

STYLE_A = [  # the whole request restated, numbered, then answered, numbered again
    [
        "Dear Requester,",
        "Thank you for your request received on 3 April 2023 concerning:",
        "1. Does the Trust have a policy on the use of private",
        "ambulances?",
        "2. How much did the Trust spend on private ambulances in 2022/23?",
        "3. How many complaints did the Trust receive about ambulance delays in",
        "2022/23?",
        "4. Please provide a copy of the policy.",
        "This request has been handled under the Freedom of Information Act 2000.",
        "1 \u2013 I can confirm that the Trust has a policy on private ambulances.",
        "2 - The Trust spent \u00a31.2m on private ambulance services.",
    ],
    [
        "3 \u2013 None.",
        "4 - Please find the policy attached, as requested \u201cPrivate Ambulance Policy\u201d.",
        *BOILERPLATE,
    ],
]

STYLE_B = [  # each question restated and answered straight after
    [
        "Our reference: FOI 2023/117",
        "Q1: Does the Trust have a policy on the use of private ambulances?",
        "Response: No",
        "Q2: How much did the Trust spend on private ambulances in 2022/23?",
        "Answer: \u00a3125,000",
        "Q3: How many complaints did the Trust receive about ambulance delays in 2022/23?",
        "Response: 14 complaints were received.",
        "Q4: Please provide a copy of the policy.",
        "Response: Not applicable.",
        *BOILERPLATE,
    ]
]

STYLE_C = [  # answers only, numbered
    [
        "Dear Sir/Madam, please see our response to your request below.",
        "1. Yes.",
        "2. We do not hold this information.",
        "3. 7",
        "4. We consider that the information is exempt under section 43(2) (commercial",
        "interests) and it is therefore withheld.",
        *BOILERPLATE,
    ]
]


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (
            STYLE_A,
            {
                "policy": ("answered", "yes", "numbered"),
                "spend": ("answered", "1200000.00", "numbered"),
                "complaints": ("answered", "0", "numbered"),
                "copy": ("answered", "provided", "numbered"),
            },
        ),
        (
            STYLE_B,
            {
                "policy": ("answered", "no", "restated"),
                "spend": ("answered", "125000.00", "restated"),
                "complaints": ("answered", "14", "restated"),
                "copy": ("not_applicable", None, "restated"),
            },
        ),
        (
            STYLE_C,
            {
                "policy": ("answered", "yes", "numbered"),
                "spend": ("not_held", None, "numbered"),
                "complaints": ("answered", "7", "numbered"),
                "copy": ("refused", None, "numbered"),
            },
        ),
    ],
    ids=["restated-then-answered", "restated-with-answer", "numbered-answers-only"],
)
def test_generated_pdf_reply_styles(pages: list[list[str]], expected: dict) -> None:
    answers = by_key(extract_answers(pages_of(make_pdf(pages), "reply.pdf"), AMBULANCE_QUESTIONS))
    for key, (status, value, method) in expected.items():
        answer = answers[key]
        assert (answer.status, answer.value, answer.method) == (status, value, method), answer
        assert answer.document_id == "reply.pdf"
        assert "Commissioner" not in (answer.snippet or "")


def test_style_a_keeps_page_and_confidence() -> None:
    answers = by_key(extract_answers(pages_of(make_pdf(STYLE_A), "a.pdf"), AMBULANCE_QUESTIONS))
    assert answers["policy"].page == 1 and answers["complaints"].page == 2
    # inferred from "I can confirm": less sure than a figure stated, and both accepted
    assert review_threshold() <= answers["policy"].confidence < answers["spend"].confidence


def test_style_c_refusal_sections() -> None:
    answers = by_key(extract_answers(pages_of(make_pdf(STYLE_C), "c.pdf"), AMBULANCE_QUESTIONS))
    assert answers["copy"].sections == ("s43(2)",)
    assert answers["policy"].confidence >= review_threshold()


def test_answers_on_one_line_in_the_email_body() -> None:
    body = "Dear Ms Smith, in answer to your request: 1. No. 2. Nil. 3. 12. 4. Please see attached."
    answers = by_key(extract_answers([PageText("body", 1, body)], AMBULANCE_QUESTIONS))
    assert [answers[k].value for k in ("policy", "spend", "complaints", "copy")] == [
        "no",
        "0.00",
        "12",
        "provided",
    ]


def test_ocr_misread_number_tolerated() -> None:
    questions = AMBULANCE_QUESTIONS[:3]
    pages = [
        [
            "Your request:",
            "1. Does the Trust have a policy on the use of private ambulances?",
            "2. How much did the Trust spend on private ambulances in 2022/23?",
            "3. How many complaints did the Trust receive about ambulance delays in 2022/23?",
            "Our response:",
            "4. Yes, a policy was adopted in 2021.",  # OCR turned "1." into "4."
            "2. \u00a34,500",
            "3. 3",
        ]
    ]
    answers = by_key(extract_answers(pages_of(make_pdf(pages), "scan.pdf"), questions))
    assert (answers["policy"].value, answers["policy"].method) == ("yes", "numbered-ocr")
    assert answers["policy"].confidence < 0.9
    assert answers["spend"].value == "4500.00" and answers["complaints"].value == "3"


def test_restated_question_with_wrong_digit_matches_by_text() -> None:
    pages = [
        [
            "4. Does the Trust have a policy on the use of private ambulances? Yes.",
            "2. How much did the Trust spend on private ambulances in 2022/23? \u00a30",
        ]
    ]
    answers = by_key(extract_answers(pages_of(make_pdf(pages), "x.pdf"), AMBULANCE_QUESTIONS))
    assert (answers["policy"].value, answers["policy"].method) == ("yes", "restated")
    assert answers["spend"].value == "0.00"
    assert answers["copy"].status == "unanswered"  # the '4.' line restates question 1


def test_pdf_table_of_questions_and_answers() -> None:
    buffer = io.BytesIO()
    rows = [
        ["No.", "Question", "Response"],
        ["1", "Does the Trust have a policy on the use of private ambulances?", "Yes"],
        ["2", "How much did the Trust spend on private ambulances in 2022/23?", "\u00a3980k"],
    ]
    SimpleDocTemplate(buffer, pagesize=A4).build([Table(rows)])
    answers = by_key(extract_answers(pages_of(buffer.getvalue(), "t.pdf"), AMBULANCE_QUESTIONS))
    assert answers["policy"].value == "yes"
    assert answers["spend"].value == "980000.00"


def test_docx_table_of_questions_and_answers() -> None:
    document = docx.Document()
    document.add_paragraph("Freedom of Information request FOI-2023-55: our response")
    table = document.add_table(rows=0, cols=2)
    for question, answer in [
        ("Question", "Answer"),
        ("Does the Trust have a policy on the use of private ambulances?", "No \u2013 not yet."),
        (
            "How many complaints did the Trust receive about ambulance delays in 2022/23?",
            "Fewer than 5 (exact figure withheld under s40(2))",
        ),
        ("How much did the Trust spend on private ambulances in 2022/23?", "\u00a32,340.50"),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = question, answer
    document.add_paragraph("If you are unhappy, you may ask for an internal review.")
    buffer = io.BytesIO()
    document.save(buffer)
    answers = by_key(extract_answers(pages_of(buffer.getvalue(), "r.docx"), AMBULANCE_QUESTIONS))
    assert (answers["policy"].status, answers["policy"].value) == ("answered", "no")
    assert answers["spend"].value == "2340.50"
    assert answers["complaints"].status == "refused"
    assert answers["complaints"].sections == ("s40(2)",)
    assert answers["copy"].status == "unanswered" and answers["copy"].confidence == 0


def test_boilerplate_is_not_an_answer() -> None:
    pages = [["Thank you for your request.", *BOILERPLATE]]
    answers = extract_answers(pages_of(make_pdf(pages), "b.pdf"), AMBULANCE_QUESTIONS)
    assert [a.status for a in answers] == ["unanswered"] * 4


def test_one_answer_per_question_in_order() -> None:
    answers = extract_answers([], AMBULANCE_QUESTIONS)
    assert [a.question_key for a in answers] == [q.key for q in AMBULANCE_QUESTIONS]
    assert all(a.status == "unanswered" and a.confidence == 0 for a in answers)


def test_wrapped_ruled_table_answers_each_row() -> None:
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, TableStyle

    normal = getSampleStyleSheet()["Normal"]
    rows = [
        ["No.", "Question", "Response"],
        [
            "1",
            AMBULANCE_QUESTIONS[0].text,
            "The Trust does not have a policy on the use of private ambulances.",
        ],
        ["2", AMBULANCE_QUESTIONS[1].text, "\u00a3980k"],
        ["3", AMBULANCE_QUESTIONS[2].text, "Not applicable \u2013 please see question 1."],
    ]
    table = Table([[Paragraph(c, normal) for c in row] for row in rows], colWidths=[30, 180, 150])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([table])
    answers = by_key(extract_answers(pages_of(buffer.getvalue(), "t.pdf"), AMBULANCE_QUESTIONS))
    assert (answers["policy"].status, answers["policy"].value) == ("answered", "no")
    assert answers["spend"].value == "980000.00"
    assert answers["complaints"].status == "not_applicable"


def test_wrapped_restated_question_is_stripped_whole() -> None:
    pages = [
        [
            "2. How much did the Trust spend on private ambulances in",
            "2022/23?",
            "Not applicable.",
            "3. How many complaints did the Trust receive about ambulance",
            "delays in 2022/23?",
            "Trust response: 14",
            *BOILERPLATE,
        ]
    ]
    answers = by_key(extract_answers(pages_of(make_pdf(pages), "r.pdf"), AMBULANCE_QUESTIONS))
    assert answers["spend"].status == "not_applicable" and answers["spend"].value is None
    assert (answers["complaints"].value, answers["complaints"].method) == ("14", "restated")


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("Council response: No.", "no"),
        ("Trust's answer - Yes", "yes"),
        ("No \u2013 response times are not recorded.", "no"),
    ],
)
def test_answer_label_naming_the_authority_is_dropped(label: str, value: str) -> None:
    text = f"1. {AMBULANCE_QUESTIONS[0].text}\n{label}\n"
    answers = by_key(extract_answers([PageText("body", 1, text)], AMBULANCE_QUESTIONS))
    assert (answers["policy"].value, answers["policy"].confidence >= 0.9) == (value, True)


def test_answer_stating_the_question_back_is_not_a_restatement() -> None:
    text = "\n".join(
        [
            "You asked:",
            f"1. {AMBULANCE_QUESTIONS[0].text}",
            f"2. {AMBULANCE_QUESTIONS[1].text}",
            "Our response:",
            "1 - Yes \u2013 the Trust does have a policy on the use of private ambulances.",
            "2 - The Trust spent \u00a312,000 on private ambulances in 2022/23.",
        ]
    )
    answers = by_key(extract_answers([PageText("body", 1, text)], AMBULANCE_QUESTIONS))
    assert (answers["policy"].value, answers["policy"].method) == ("yes", "numbered")
    assert (answers["spend"].value, answers["spend"].method) == ("12000.00", "numbered")
    restated = "\n".join(
        [
            f"1. {AMBULANCE_QUESTIONS[0].text}",
            "The Trust does not have a policy on the use of private",
            "ambulances.",
        ]
    )
    policy = by_key(extract_answers([PageText("body", 1, restated)], AMBULANCE_QUESTIONS))["policy"]
    assert (policy.value, policy.method) == ("no", "restated")


REQUEST_RESTATED = [
    "You asked:",
    *(f"{q.number}. {q.text}" for q in AMBULANCE_QUESTIONS),
]


def test_whole_request_refused_under_section_12() -> None:
    text = "\n".join(
        [
            *REQUEST_RESTATED,
            "Section 12 \u2013 cost of compliance",
            "The cost of complying with your request would exceed the appropriate limit of",
            "\u00a3450. Under section 12 of the Act we are not obliged to comply with your",
            "request.",
            "You may wish to narrow your request so that it can be answered within the cost limit.",
            *BOILERPLATE,
        ]
    )
    answers = extract_answers([PageText("letter.pdf", 1, text)], AMBULANCE_QUESTIONS)
    assert [(a.status, a.sections) for a in answers] == [("refused", ("s12",))] * 4
    assert classify_reply(text, answers).outcome == "refused"


def test_whole_request_not_held() -> None:
    text = "\n".join(
        [*REQUEST_RESTATED, "The Trust does not hold the information you have requested."]
    )
    answers = extract_answers([PageText("body", 1, text)], AMBULANCE_QUESTIONS)
    assert [a.status for a in answers] == ["not_held"] * 4
    assert classify_reply(text, answers).outcome == "not_held"


def test_refusing_one_question_leaves_the_others_answered() -> None:
    text = "\n".join(
        [
            "1. Yes.",
            "2. Withheld \u2013 exempt under section 43(2) of the Act (commercial interests).",
            "3. 14",
            "4. Please find the policy attached.",
            "Some of the information is exempt; we have refused part of your request.",
            "You may wish to narrow your request so that it can be answered within the cost limit.",
        ]
    )
    answers = by_key(extract_answers([PageText("body", 1, text)], AMBULANCE_QUESTIONS))
    assert (answers["spend"].status, answers["spend"].sections) == ("refused", ("s43(2)",))
    assert [answers[k].status for k in ("policy", "complaints", "copy")] == ["answered"] * 3
    assert classify_reply(text, list(answers.values())).outcome == "partially_successful"


@pytest.mark.parametrize(
    "follow_up",
    [
        "2. The return is withheld under section 22: it is intended for future publication.",
        "2. Not applicable.",
        "2. We do not hold a return for 2016/17.",
    ],
)
def test_no_yes_inferred_from_a_refused_or_empty_follow_up(follow_up: str) -> None:
    answers = by_key(extract_answers([PageText("body", 1, follow_up)], CIPFA_QUESTIONS))
    assert answers["completes_return"].status == "unanswered"


def test_yes_inferred_from_a_provided_follow_up() -> None:
    text = "2. Please find the 2017 return attached."
    answers = by_key(extract_answers([PageText("body", 1, text)], CIPFA_QUESTIONS))
    first = answers["completes_return"]
    assert (first.value, first.method) == ("yes", "inferred")
    assert first.reason.startswith("inferred")  # its confidence is what such answers scored


# --- the real replies -------------------------------------------------------------------------


def corpus_labels() -> dict[str, dict[str, str]]:
    with (CORPUS / "labels.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {name: row for row in rows for name in row["files"].split(";") if name}


def corpus_answers(filename: str) -> dict[str, ExtractedAnswer]:
    data = (CORPUS / "responses" / filename).read_bytes()
    document = read_document(data, filename)
    pages = [PageText(filename, i, t) for i, t in enumerate(document.pages, start=1)]
    return by_key(extract_answers(pages, CIPFA_QUESTIONS))


@needs_corpus
@pytest.mark.parametrize("filename", ["BexleyResponse.pdf", "BirminghamResponse.docx"])
def test_real_reply_question_1_matches_label(filename: str) -> None:
    label = corpus_labels()[filename]
    answer = corpus_answers(filename)["completes_return"]
    assert (answer.status, answer.value) == ("answered", label["q1_completes_return"])
    assert answer.method == "numbered" and answer.confidence >= review_threshold()


@needs_corpus
def test_bexley_restated_request_is_skipped_and_s21_refusal_found() -> None:
    label = corpus_labels()["BexleyResponse.pdf"]
    answers = corpus_answers("BexleyResponse.pdf")
    assert "I can confirm" in (answers["completes_return"].snippet or "")
    q2 = answers["return_provided"]
    assert label["q2_return_provided"] == "no"
    assert q2.status == "refused"
    assert q2.sections == tuple(label["exemptions"].split(";"))


@needs_corpus
def test_birmingham_q2_not_held() -> None:
    label = corpus_labels()["BirminghamResponse.docx"]
    q2 = corpus_answers("BirminghamResponse.docx")["return_provided"]
    assert label["q2_return_provided"] == "no" and q2.status == "not_held"
    assert q2.confidence >= review_threshold()


@needs_corpus
def test_barking_whole_reply_refusal_applies_to_unanswered_questions() -> None:
    label = corpus_labels()["BarkingAndDagenhamResponse.docx"]
    q2 = corpus_answers("BarkingAndDagenhamResponse.docx")["return_provided"]
    assert label["q2_return_provided"] == "no"
    assert q2.status == "refused" and q2.sections == (label["exemptions"],)
    assert q2.confidence < 0.5  # found in the reply as a whole, not per question


@needs_corpus
@pytest.mark.parametrize(
    "filename", ["Bedford.pdf", "BlaenauGwent2.pdf", "Bolton.xlsx", "AberdeenCity.xls"]
)
def test_returned_data_counts_as_document_provided(filename: str) -> None:
    label = corpus_labels()[filename]
    answers = corpus_answers(filename)
    assert label["q2_return_provided"] == "yes"
    assert (answers["return_provided"].status, answers["return_provided"].value) == (
        "answered",
        "provided",
    )
    # no letter says so: read from the attached data, as sure as such answers proved
    assert "an attached data file" in answers["return_provided"].reason
    assert answers["completes_return"].value == label["q1_completes_return"]
    assert answers["completes_return"].method == "inferred"


# --- parsers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Yes.", "yes"),
        ("YES - the council completes the return", "yes"),
        ("\u201cYes\u201d", "yes"),
        ("No.", "no"),
        ("No, the Trust does not have such a policy.", "no"),
        ("I can confirm that the library service completes annual CIPFA stats", "yes"),
        ("I can confirm that the Council does not use private ambulances.", "no"),
        ("We do.", "yes"),
        ("We do not.", "no"),
        ("The Trust has not adopted a policy.", "no"),
        ("There are no plans to introduce one.", "no"),
        ("No plans at present.", "no"),
        ("The service no longer completes the return.", "no"),
        ("Correct.", "yes"),
        ("The Council has a policy, attached.", "yes"),
    ],
)
def test_parse_yes_no(text: str, value: str) -> None:
    assert parse_yes_no(text)[0] == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Nottingham City Council",
        "Not known.",
        "Please see the attached spreadsheet.",
        "We do not hold this information.",
        "No. of visits per year: 400",
        "Yesterday we received your request.",
        "The information is exempt under section 22.",
    ],
)
def test_parse_yes_no_does_not_guess(text: str) -> None:
    assert parse_yes_no(text) == (None, 0.0)


def test_parse_yes_no_confidence_ladder() -> None:
    assert parse_yes_no("Yes")[1] >= 0.9
    assert 0.5 <= parse_yes_no("I can confirm that we do")[1] < 0.9


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("\u00a31.2m", "1200000.00"),
        ("\u00a3125,000", "125000.00"),
        ("125k", "125000.00"),
        ("\u00a30", "0.00"),
        ("Nil", "0.00"),
        ("\u00a32.5 million", "2500000.00"),
        ("The total cost was \u00a3 3,456.78 including VAT.", "3456.78"),
        ("GBP 4,000", "4000.00"),
        ("The budget is 350,000", "350000.00"),
        ("\u00a31bn", "1000000000.00"),
        ("Spend in 2022/23 was \u00a340,000", "40000.00"),
        ("12,500", "12500.00"),
        ("\u00a3450 thousand", "450000.00"),
        ("The budget for 2016-17 is 350,000.", "350000.00"),
        ("\u00a3980k for the 2016/2017 scheme", "980000.00"),
    ],
)
def test_parse_money(text: str, value: str) -> None:
    assert parse_money(text)[0] == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "We do not hold this information.",
        "2017",
        "Section 12 applies.",
        "01625 545745",
        "2016/17",
        "scheme in 2016-17?",
        "the budget for the local incentive scheme in 2016 - 2017",
        "(2022/2023)",
    ],
)
def test_parse_money_does_not_guess(text: str) -> None:
    assert parse_money(text)[0] is None


def test_parse_money_prefers_the_amount_with_a_pound_sign() -> None:
    value, confidence = parse_money("In 2022 we spent \u00a31,500 across 3 contracts")
    assert value == "1500.00" and confidence >= 0.85
    assert parse_money("12,500")[1] < parse_money("\u00a312,500")[1]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("14", "14"),
        ("14 complaints were received.", "14"),
        ("The total was 14", "14"),
        ("1,204", "1204"),
        ("None", "0"),
        ("nil", "0"),
        ("Zero.", "0"),
        ("There were no complaints in 2022/23.", "0"),
        ("No complaints were received.", "0"),
        ("Three", "3"),
        ("In 2022/23 the Trust received 37 complaints.", "37"),
        ("We received 5 complaints on 3 March 2023.", "5"),
        ("A total of 12 in 2016-17.", "12"),
    ],
)
def test_parse_count(text: str, value: str) -> None:
    assert parse_count(text)[0] == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "We do not hold this information.",
        "2017",
        "Section 12 applies.",
        "Fewer than 5",
        "\u00a3500",
        "See attached",
        "scheme in 2016-17?",
    ],
)
def test_parse_count_does_not_guess(text: str) -> None:
    assert parse_count(text)[0] is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4 October 2017", "2017-10-04"),
        ("The policy was adopted on 1st March 2021.", "2021-03-01"),
        ("04/10/2017", "2017-10-04"),
        ("2019-06-30", "2019-06-30"),
        ("September 2020", "2020-09"),
    ],
)
def test_parse_date(text: str, value: str) -> None:
    assert parse_date(text)[0] == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("12.5", "12.5"), ("12.5 FTE in 2016/17", "12.5"), ("In 2017 the ratio was 3", "3")],
)
def test_parse_number_skips_years(text: str, value: str) -> None:
    assert parse_number(text)[0] == value


@pytest.mark.parametrize("text", ["2016-17", "2016/2017", "in 2017"])
def test_parse_number_does_not_read_a_year(text: str) -> None:
    assert parse_number(text)[0] is None
