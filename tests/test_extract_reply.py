"""A reply as a person reads it: roles of its documents, and page furniture taken out."""

from __future__ import annotations

from extract.passages.reply import (
    PageText,
    QuestionSpec,
    arrange_reply,
    clean_pages,
    strip_quoted_thread,
)

QUESTIONS = (
    QuestionSpec(1, "inpatient", "How many specialist housing staff does the Trust employ to "
                 "support inpatients with housing issues?", "count"),
    QuestionSpec(2, "protocol", "Please provide a copy of the Trust's protocol for discharging "
                 "inpatients who are homeless.", "document"),
)
LETTER = """Our ref: FOI 2021/123
Dear Ms Smith,
Freedom of Information request
Thank you for your request. Our response is below.
1. Two housing officers.
2. Please find the protocol attached.
Yours sincerely
Jane Doe
Information Governance Officer"""
POLICY_PAGES = [
    "Discharge Policy\nVersion 3.1\nContents\n1. Introduction ........ 2\n2. Scope ........ 3\n"
    "3. Roles and responsibilities ........ 4\nPage 1 of 4",
    "Discharge Policy Version 3.1\n1. Introduction\nThis policy applies to 12 wards.\nPage 2 of 4",
    "Discharge Policy Version 3.1\n2. Scope\nPatients aged 18 to 65.\nPage 3 of 4",
    "Discharge Policy Version 3.1\n3. Roles and responsibilities\nThe ward manager.\nPage 4 of 4",
]


def reply_pages() -> list[PageText]:
    pages = [PageText("body", 1, "Please see attached.", part=0, kind="text"),
             PageText("policy", 1, POLICY_PAGES[0], "policy.pdf", 1, "pdf")]
    pages += [PageText("policy", n, t, "policy.pdf", 1, "pdf")
              for n, t in enumerate(POLICY_PAGES[1:], start=2)]
    pages.append(PageText("letter", 1, LETTER, "response.pdf", 2, "pdf"))
    pages.append(PageText("data", 1, "[Sheet: Staff]\nWard\tStaff\nA\t2", "data.xlsx", 3, "xlsx"))
    return pages


def test_roles_and_reading_order() -> None:
    reply = arrange_reply(reply_pages(), QUESTIONS)
    assert [(p.filename or p.document_id, p.role) for p in reply.parts] == [
        ("body", "body"), ("response.pdf", "covering_letter"), ("data.xlsx", "data"),
        ("policy.pdf", "supporting")]


def test_contents_running_headers_page_numbers_and_signature_are_gone() -> None:
    cleaned = clean_pages(POLICY_PAGES)
    assert "........" not in cleaned[0] and "Page 1 of 4" not in cleaned[0]
    assert all("Discharge Policy Version 3.1" not in page for page in cleaned[1:])
    assert "This policy applies to 12 wards." in cleaned[1]
    letter = clean_pages([LETTER])[0]
    assert "Jane Doe" not in letter and "Yours sincerely" not in letter
    assert "1. Two housing officers." in letter


def test_quoted_thread_below_a_body_is_not_the_reply() -> None:
    body = ("Please find our answers attached.\n\nFrom: Reporter <r@news.example>\n"
            "Sent: 4 March 2021\nTo: FOI\n1. How many specialist housing staff ...")
    assert strip_quoted_thread(body).strip() == "Please find our answers attached."
    assert strip_quoted_thread("Thanks.\n> 1. How many staff?\n> 2. Copy") == "Thanks."


def test_questions_are_answered_from_the_letter_never_from_the_policy() -> None:
    from extract.answers import extract_answers

    answers = {a.question_key: a for a in extract_answers(reply_pages(), QUESTIONS)}
    assert (answers["inpatient"].value, answers["inpatient"].document_id) == ("2", "letter")
    assert answers["protocol"].value == "provided"
