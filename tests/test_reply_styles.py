"""Styled replies: every family, deterministic, threaded, labels checked on the files."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import docx
import pdfplumber
import pytest

from foi.authorities import read_registry
from foi.campaigns import read_campaign, select_recipients
from simulator.letters import SentLetter
from simulator.styles import (
    FAMILIES,
    LABEL_COLUMNS,
    OUTCOMES,
    QUESTIONS,
    STATUSES,
    StyledReply,
    generate_styled_replies,
    mh_trusts,
    read_labels,
    sample_letters,
    write_labels,
    write_styled_replies,
)
from simulator.styles.policy import render_policy, trust_policy

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN = ROOT / "examples" / "mh-housing-staff.toml"
REGISTRY = ROOT / "simulator" / "data" / "mh-trusts.csv"
SEED = 2023
COUNTS = ("inpatient_housing_staff", "community_housing_staff")


@cache
def letters() -> tuple[SentLetter, ...]:
    """The round-robin sent three years running to the 51 trusts: 153 letters."""
    return tuple(sample_letters(3))


@cache
def replies() -> tuple[StyledReply, ...]:
    """Every letter's styled reply for the test seed."""
    return tuple(generate_styled_replies(letters(), seed=SEED))


def parse(raw: bytes) -> EmailMessage:
    """Parse a message the way ingestion does."""
    return email.message_from_bytes(raw, policy=email.policy.default)


def squash(text: str) -> str:
    """Collapse whitespace (including no-break spaces)."""
    return " ".join(text.split())


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip += tag in ("style", "head")
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "head")
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def body_text(msg: EmailMessage) -> str:
    """The plain body, or the text of the HTML body when there is no plain one."""
    part = msg.get_body(preferencelist=("plain", "html"))
    content = part.get_content()
    if part.get_content_type() == "text/html":
        parser = _HtmlText()
        parser.feed(content)
        return "".join(parser.parts)
    return content


def attachment(msg: EmailMessage, filename: str) -> bytes:
    """The bytes of the attachment with that filename."""
    for part in msg.iter_attachments():
        if part.get_filename() == filename:
            return part.get_content()
    raise AssertionError(f"no attachment {filename!r}")


@cache
def pdf_page_text(data: bytes, page: int, tables: bool) -> tuple[str, int]:
    """A PDF page's text (plus table cells: ruled tables interleave lines), and page count."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        target = pdf.pages[page - 1]
        text = target.extract_text() or ""
        if tables:
            text += "\n" + "\n".join(cell or "" for table in target.extract_tables()
                                     for row in table for cell in row)
        return text, len(pdf.pages)


def docx_text(data: bytes) -> str:
    """A Word document's paragraphs, table cells and footers."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in document.sections for p in section.footer.paragraphs]
    return "\n".join(parts)


def test_at_least_100_replies_and_8_of_every_family() -> None:
    assert len(letters()) >= 100
    assert len(replies()) == len(letters())
    per_family = Counter(r.family for r in replies())
    assert set(per_family) == set(FAMILIES)
    assert min(per_family.values()) >= 8, per_family
    assert len(FAMILIES) >= 14


def test_the_same_seed_gives_the_same_bytes_and_labels() -> None:
    few = letters()[: len(FAMILIES)]
    trust_policy.cache_clear()  # render every policy afresh: no bytes come from a cache
    render_policy.cache_clear()
    first = generate_styled_replies(few, seed=SEED)
    again = generate_styled_replies(few, seed=SEED)
    assert [r.eml for r in first] == [r.eml for r in again]
    assert [r.labels for r in first] == [r.labels for r in again]
    assert [r.eml for r in first] == [r.eml for r in replies()[: len(few)]]
    other = generate_styled_replies(few, seed=SEED + 1)
    assert sum(a.eml != b.eml for a, b in zip(first, other, strict=True)) == len(few)


def test_families_can_be_chosen_and_unknown_ones_are_refused() -> None:
    chosen = generate_styled_replies(letters()[:3], seed=1, families=["scanned", "qa_table"])
    assert [r.family for r in chosen] == ["scanned", "qa_table", "scanned"]
    with pytest.raises(ValueError, match="unknown reply families"):
        generate_styled_replies(letters()[:1], seed=1, families=["tea_leaves"])


def test_every_reply_parses_and_threads_to_its_letter() -> None:
    for letter, reply in zip(letters(), replies(), strict=True):
        msg = parse(reply.eml)
        assert not msg.defects, (reply.reference, msg.defects)
        assert reply.reference == letter.reference
        assert msg["In-Reply-To"] == letter.message_id
        assert letter.message_id in msg["References"]
        assert letter.reference in msg["Subject"]
        assert msg["From"].addresses[0].addr_spec == letter.authority_email
        assert msg["To"].addresses[0].addr_spec == letter.requester_email
        assert msg["Message-ID"] and msg["Date"]
        body = msg.get_body(preferencelist=("plain", "html"))
        assert body is not None and body.get_content().strip()
        kinds = {part.get_content_type() for part in msg.walk()}
        if reply.family == "html_body":
            assert "text/plain" not in kinds and "text/html" in kinds
        else:
            assert "text/plain" in kinds
        for part in msg.iter_attachments():
            assert part.get_filename() and part.get_content()


@pytest.mark.long_running(50)   # first in its file: it generates the replies
def test_every_evidence_phrase_is_on_its_page_of_its_document() -> None:
    """Read each named document directly and find each label's evidence on its page."""
    checked = 0
    for reply in replies():
        msg = parse(reply.eml)
        for label in reply.labels:
            if label.status == "unanswered":
                assert label.evidence == ""
                checked += 1
                continue
            if label.document == "body":
                assert label.page == 1
                text = body_text(msg)
            elif label.document in reply.scanned_text:
                pages = reply.scanned_text[label.document]
                assert 1 <= label.page <= len(pages)
                text = pages[label.page - 1]
            elif label.document.endswith(".pdf"):
                data = attachment(msg, label.document)
                text, count = pdf_page_text(data, label.page, False)
                if squash(label.evidence) not in squash(text):
                    text, count = pdf_page_text(data, label.page, True)
                assert label.page <= count
            else:
                assert label.document.endswith(".docx"), label.document
                assert label.page == 1
                text = docx_text(attachment(msg, label.document))
            assert squash(label.evidence) in squash(text), (
                reply.family, reply.reference, label.question_key, label.evidence, label.page)
            checked += 1
    assert checked == len(replies()) * len(QUESTIONS)


def test_scans_have_no_text_layer_and_their_drawn_text_holds_the_answers() -> None:
    scanned = [r for r in replies() if r.family == "scanned"]
    assert scanned
    for reply in scanned:
        (name, pages), = reply.scanned_text.items()
        with pdfplumber.open(io.BytesIO(attachment(parse(reply.eml), name))) as pdf:
            assert len(pdf.pages) == len(pages)
            for page in pdf.pages:
                assert not (page.extract_text() or "").strip()
                assert page.images
        assert any(label.document == name for label in reply.labels)


def test_attached_policies_have_dotted_contents_running_footers_and_many_pages() -> None:
    toc_line = re.compile(r"^(\d+(\.\d+)?|Appendix [A-Z]:) .+?\.{5,}\s*\d+$", re.MULTILINE)
    seen = 0
    for reply in replies():
        if reply.family != "toc_policy":
            continue
        policy = next(label.document for label in reply.labels
                      if label.question_key == "discharge_protocol")
        with pdfplumber.open(io.BytesIO(attachment(parse(reply.eml), policy))) as pdf:
            assert len(pdf.pages) >= 5
            contents = pdf.pages[1].extract_text()
            assert len(toc_line.findall(contents)) >= 10, contents
            assert "4.2 Ward Managers" in contents
            later = pdf.pages[3].extract_text()
            assert re.search(r"Version \d\.\d", later)
            assert re.search(r"(Page 4 of \d+|\n4$)", later)
        seen += 1
    assert seen >= 8


def test_labels_use_the_vocabulary_and_their_values_fit_their_status() -> None:
    for reply in replies():
        assert reply.outcome in OUTCOMES
        assert [label.question_key for label in reply.labels] == [q.key for q in QUESTIONS]
        for label in reply.labels:
            assert label.family == reply.family and label.reference == reply.reference
            assert label.status in STATUSES
            assert len(label.evidence) >= 3 or label.status == "unanswered"
            if label.status in ("answered", "partly") and label.question_key in COUNTS:
                assert Decimal(label.value) >= 0
            elif label.status == "answered":
                assert label.value == "provided"
            else:
                assert label.value == "", label
            for other in label.acceptable:
                Decimal(other)
            if label.status == "suppressed":
                assert label.sections == ("s40(2)",)
            if label.status == "refused":
                assert label.sections
    statuses = Counter(label.status for reply in replies() for label in reply.labels)
    assert {"answered", "not_held", "refused", "suppressed", "unclear"} <= set(statuses)
    assert set(Counter(r.outcome for r in replies())) >= {"successful", "partially_successful"}


def test_all_staff_traps_never_take_the_headcount_they_mention() -> None:
    traps = [label for reply in replies() if reply.family == "all_staff_trap"
             for label in reply.labels if label.question_key in COUNTS]
    unclear = [label for label in traps if label.status == "unclear"]
    assert unclear
    for label in unclear:
        assert label.value == "" and label.acceptable == ("0",)
    for label in traps:
        assert label.value == "" or int(Decimal(label.value)) < 40  # headcounts are 40-400


def test_each_family_words_its_answers_in_several_ways() -> None:
    shapes: dict[str, set[str]] = defaultdict(set)
    for reply in replies():
        for label in reply.labels:
            if label.question_key in COUNTS:
                shape = re.sub(r"\d+(\.\d+)?", "#", label.evidence)
                shapes[reply.family].add(shape)
    for family in FAMILIES:
        assert len(shapes[family]) >= 3, (family, shapes[family])


def test_replies_and_labels_are_written_and_read_back(tmp_path: Path) -> None:
    few = list(replies()[:20])
    write_styled_replies(few, tmp_path / "inbox")
    files = sorted((tmp_path / "inbox").glob("*.eml"))
    assert len(files) == len(few)
    assert {f.read_bytes() for f in files} == {r.eml for r in few}
    path = tmp_path / "labels.csv"
    write_labels(few, path)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == LABEL_COLUMNS
    assert len(rows) == len(few) * len(QUESTIONS)
    back = read_labels(path)
    assert [label for label, _ in back] == [label for r in few for label in r.labels]
    assert [outcome for _, outcome in back] == [r.outcome for r in few for _ in r.labels]


def test_the_campaign_example_and_the_registry_fit_the_generator() -> None:
    campaign = read_campaign(CAMPAIGN)
    assert [(n, q.key, q.type, q.text) for n, q in campaign.numbered()] == [
        (q.number, q.key, q.type, q.text) for q in QUESTIONS]
    registry = read_registry(REGISTRY)
    assert registry.errors == ()
    assert len(registry.authorities) == 51 == len(mh_trusts())
    assert all(a.email.endswith(".example") for a in registry.authorities)
    assert len(select_recipients(campaign, registry.authorities)) == 51
    assert len({a.email for a in registry.authorities}) == 51


def test_replies_to_letters_really_sent_are_matched_by_threading(workspace, tmp_path) -> None:
    """Send the example campaign through the file outbox, reply in every style, ingest."""
    from flows.steps.ingest import ingest_files
    from flows.steps.send import send_campaign
    from foi.mail.transports import FileOutbox
    from warehouse.authorities import import_authorities
    from warehouse.campaigns import save_campaign
    from warehouse.db import connect, rows

    con = connect(workspace.database)
    try:
        import_authorities(con, read_registry(REGISTRY).authorities, str(REGISTRY))
        save_campaign(con, read_campaign(CAMPAIGN), CAMPAIGN.read_text(encoding="utf-8"))
        send_campaign(con, workspace, "mh-housing-staff", FileOutbox(workspace.outbox),
                      limit=len(FAMILIES), now=datetime(2023, 3, 6, 10, tzinfo=UTC))
        sent = rows(con, "SELECT r.reference, r.authority_id, a.name, a.email, r.message_id,"
                         " r.sent_at FROM requests r JOIN authorities a ON a.id = r.authority_id"
                         " ORDER BY r.reference")
        assert len(sent) == len(FAMILIES)
        sent_letters = [SentLetter(r["reference"], r["authority_id"], r["name"], r["email"],
                                   "Alex Reporter", "foi-desk@newsroom.example",
                                   r["message_id"], f"Freedom of Information request "
                                   f"{r['reference']}: specialist housing staff", r["sent_at"])
                        for r in sent]
        styled = generate_styled_replies(sent_letters, seed=SEED)
        write_styled_replies(styled, tmp_path / "inbox")
        report = ingest_files(con, workspace, sorted((tmp_path / "inbox").glob("*.eml")))
        assert report.problems == [] and report.holding_pen == []
        assert sorted(report.matched.values()) == [r["reference"] for r in sent]
        methods = rows(con, "SELECT DISTINCT match_method FROM messages"
                            " WHERE direction = 'incoming'")
        assert [m["match_method"] for m in methods] == ["in_reply_to"]
    finally:
        con.close()
