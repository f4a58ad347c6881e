"""The labelled real replies of ../shared/corpus as replies the reader can be scored on.

Labels live beside the tests (tests/labels/<corpus>/answers.csv), written by reading the
documents; the shared cipfa labels.csv is the requester's own record. Document texts are read
in-process with the product's document reader and cached by file hash and reader source.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import os
import pickle
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extract.answers import PageText, QuestionSpec
from extract.reading.documents import read_document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
LABELS = ROOT / "tests" / "labels"
CACHE = Path("/tmp/foitrack-corpus-cache")

CIPFA_QUESTIONS = (
    QuestionSpec(1, "completes_return", "Could you answer if the library service or local "
                 "authority completes annual CIPFA library stats.", "yes_no"),
    QuestionSpec(2, "return_2017", "If the answer to the above is Yes, please could you send "
                 "your 2017 CIPFA library stats return (covering financial year 2016/2017)?",
                 "document"),
)
_MH_TAIL = (
    " broken down into accommodation status codes such as tenant, owner occupier, care home,"
    " rough sleeper, etc. Please use the accommodation status codes specified in M003010 (as seen"
    " in the Data Set Specification (Amd 43/2019) file). Please could you provide the data in a"
    " monthly breakdown for the following years: 01 January 2018 to 31 December 2018; 01 January"
    " 2019 to 31 December 2019; 01 January 2020 to 31 December 2020; 01 January 2021 to latest"
    " available data.")
# The questions as the journalist asked them, each a paragraph with its instructions.
MH_QUESTIONS = (
    QuestionSpec(1, "all_contacts", "The total number of people in contact with adult mental "
                 f"health services{_MH_TAIL}", "document"),
    QuestionSpec(2, "cpa", "The total number of people in adult mental health services who are "
                 f"on a CPA{_MH_TAIL}", "document"),
    QuestionSpec(3, "s117", "The total number of people in adult mental health services who are "
                 f"on Section 117 Aftercare{_MH_TAIL}", "document"),
)
# A reply with no email body of its own (only files): what trusts write above attachments.
PLAIN_COVER = "Please find attached the response to your Freedom of Information request."


def half(body: str) -> str:
    """'tuning' or 'sealed': which half of its corpus a body's reply is in (EVALUATION.md).

    A rule fixed in code, not a choice: the bodies of a corpus sorted by a stable hash of
    their names, the first half (rounded up) tuning, the rest sealed. Rules change only from
    the tuning half; the sealed half is labelled and scored, never studied."""
    folder = next((SHARED / c / "responses" for c in _SPLIT_CORPORA
                   if (SHARED / c / "responses" / body).exists()), None)
    if folder is None:
        raise KeyError(f"{body!r} is not a body of a split corpus")
    names = sorted((p.name for p in folder.iterdir()), key=_split_key)
    return "tuning" if names.index(body) < (len(names) + 1) // 2 else "sealed"


_SPLIT_CORPORA = ("mh-accommodation-2021", "police-hospital-crimes-2025",
                  "counterfeit-goods-2016", "cipfa-libraries-2017")


def half_of_names(name: str, corpus: str) -> str:
    """'tuning' or 'sealed' for a body of a corpus that is one table, not folders: the A-M
    councils of localgov-foi-admin-2018 (N-Z are held out of this repository), by the same
    rule as half()."""
    if corpus != "localgov":
        raise KeyError(corpus)
    with (SHARED / "localgov-foi-admin-2018" / "answers.csv").open(encoding="utf-8") as f:
        names = sorted({r["Authority"] for r in csv.DictReader(f)
                        if r["Authority"][:1].upper() <= "M"}, key=_split_key)
    return "tuning" if names.index(name) < (len(names) + 1) // 2 else "sealed"


def halves(replies: Sequence[LabelledReply]) -> dict[str, list[LabelledReply]]:
    """A labelled set of one corpus cut into its tuning and sealed halves by the same rule:
    the authorities sorted by the hash of their names, the first half (rounded up) tuning."""
    names = sorted({r.authority for r in replies}, key=_split_key)
    tuning = set(names[:(len(names) + 1) // 2])
    return {"tuning": [r for r in replies if r.authority in tuning],
            "sealed": [r for r in replies if r.authority not in tuning]}


def _split_key(name: str) -> str:
    return hashlib.sha256(f"foitrack-halves:{name}".encode()).hexdigest()


@dataclass(frozen=True)
class Label:
    """What a person read as the answer to one question of one reply."""

    question: int
    status: str
    value: str | None
    acceptable: tuple[str, ...]
    sections: tuple[str, ...]
    document: str | None
    page: str | None
    evidence: str
    data_files: tuple[str, ...] = ()  # files holding the data, when a letter points to them
    # the text supports more than one reading: a careful reader sends it to a person, so the
    # review queue is right too, and only an accepted answer other than the value is wrong
    doubtful: bool = False


@dataclass(frozen=True)
class LabelledReply:
    """One authority's reply: its pages as the warehouse would hold them, and its labels."""

    corpus: str
    authority: str
    pages: tuple[PageText, ...]
    labels: dict[int, Label]
    outcome: str | None


_READER_MODULES = ("documents.py", "document_text.py", "kinds.py", "pdf.py", "ocr.py",
                   "containers.py", "markup.py")


def _reader_stamp() -> str:
    source = b"".join(p.read_bytes() for p in sorted((ROOT / "extract").glob("*.py"))
                      if p.name in _READER_MODULES)
    return hashlib.sha256(source).hexdigest()[:12]


def _write_cache(cached: Path, result: object) -> None:
    """Store a reading whole: a process reading the cache meanwhile never sees half a file."""
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.partial")
    partial.write_bytes(pickle.dumps(result))
    os.replace(partial, cached)


def read_file(path: Path) -> tuple[str, tuple[str, ...], tuple[bool, ...]]:
    """(kind, page texts, OCR'd pages) of one corpus file, cached."""
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()[:24] + "-" + _reader_stamp()
    cached = CACHE / f"{key}.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    doc = read_document(data, path.name)
    result = (doc.kind, doc.pages, doc.ocr)
    _write_cache(cached, result)
    return result


def reply_pages(body: str | None, files: Sequence[Path]) -> tuple[PageText, ...]:
    """The pages of a reply: the body as part 0, then each file in order."""
    pages = [PageText("body", 1, body or PLAIN_COVER, filename="", part=0, kind="text")]
    for part, path in enumerate(files, start=1):
        kind, texts, ocr = read_file(path)
        for number, text in enumerate(texts, start=1):
            pages.append(PageText(path.name, number, text, filename=path.name, part=part,
                                  kind=kind, ocr=number <= len(ocr) and ocr[number - 1]))
    return tuple(pages)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.replace("|", ";").split(";") if v.strip())


def _labels(path: Path) -> dict[str, dict[int, Label]]:
    if not path.exists():
        return {}
    found: dict[str, dict[int, Label]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = Label(int(row["question"]), row["status"].strip(),
                          row["value"].strip() or None, _split(row.get("acceptable") or ""),
                          _split(row.get("sections") or ""),
                          (row.get("answer_document") or "").strip() or None,
                          (row.get("answer_page") or "").strip() or None,
                          " ".join((row.get("evidence") or "").split()),
                          tuple(f.split("#")[0] for f in _split(row.get("data_files") or "")))
            found.setdefault(row["authority"].strip(), {})[label.question] = label
    return found


def _outcomes(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["authority"].strip(): r["outcome"].strip() for r in csv.DictReader(handle)}


def mh_accommodation(limit: int | None = None) -> list[LabelledReply]:
    """The 21 replies of the 2021 accommodation-status round-robin, labelled (the first
    `limit` of them)."""
    folder = SHARED / "mh-accommodation-2021" / "responses"
    labels = _labels(LABELS / "mh-accommodation-2021" / "answers.csv")
    outcomes = _outcomes(LABELS / "mh-accommodation-2021" / "outcomes.csv")
    replies = []
    for authority in sorted(p.name for p in folder.iterdir() if p.is_dir())[:limit]:
        files = sorted(p for p in (folder / authority).iterdir() if p.name != "reply.md")
        body_path = folder / authority / "reply.md"
        body = body_path.read_text(encoding="utf-8") if body_path.exists() else None
        replies.append(LabelledReply("mh-accommodation-2021", authority,
                                     reply_pages(body, files), labels.get(authority, {}),
                                     outcomes.get(authority)))
    return replies


def cipfa_libraries(limit: int | None = None) -> list[LabelledReply]:
    """The library replies of the 2017 CIPFA round-robin that came back, labelled (the first
    `limit` of them)."""
    folder = SHARED / "cipfa-libraries-2017"
    ours = _labels(LABELS / "cipfa-libraries-2017" / "answers.csv")
    outcomes = _outcomes(LABELS / "cipfa-libraries-2017" / "outcomes.csv")
    replies = []
    with (folder / "labels.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["files"]:
                continue
            if limit is not None and len(replies) >= limit:
                break
            files = [folder / "responses" / f for f in row["files"].split(";")]
            labels = ours.get(row["authority"]) or _requester_labels(row)
            replies.append(LabelledReply("cipfa-libraries-2017", row["authority"],
                                         reply_pages(None, files), labels,
                                         outcomes.get(row["authority"], row["outcome"])))
    return replies


def _requester_labels(row: dict[str, str]) -> dict[int, Label]:
    """Labels from the requester's own record, where ours have not been written."""
    sections = tuple(f"s{s.lstrip('s')}" for s in _split(row["exemptions"]))
    q1 = row["q1_completes_return"] or None
    first = Label(1, "answered" if q1 else "missing", q1, (), (), None, None, "")
    if row["q2_return_provided"] == "yes":
        second = Label(2, "answered", "provided", (), (), None, None, "")
    else:
        status = "refused" if sections else "not_held"
        second = Label(2, status, None, (), sections, None, None, "")
    return {1: first, 2: second}


LOCALGOV = "localgov-foi-admin-2018"
LOCALGOV_QUESTIONS = (
    QuestionSpec(1, "foi_staff", "How many people are employed to deal with FOI?", "count"),
    QuestionSpec(2, "foi_budget", "What is the budget for administering FOI?", "text"),
    QuestionSpec(3, "case_software", "Do you use case management software for FOI? If so, "
                 "which one?", "text"),
    QuestionSpec(4, "disclosure_log", "Do you publish a disclosure log?", "yes_no"),
)
_LOCALGOV_COLUMNS = ("1 How many people are employed to deal with FOI?",
                     "2 What is the budget for administering FOI?",
                     "3 Do you use case management software for FOI? If so, which one?",
                     "4 Do you publish a disclosure log?")
# a denial beside a figure ("no one is employed for FOI; 4 officers handle it"): the coders'
# figure is one reading of several (the corpus README); words, not the reader's rules
_DENIAL = re.compile(r"\b(?:no|not|none|nobody|neither)\b|n't\b", re.IGNORECASE)
_FIGURE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|half)\b",
                     re.IGNORECASE)
# what the researchers coded, as the answer to "do you publish a disclosure log?": a log
# planned, forthcoming or discontinued is not published now, yet hedged; 'stats' is a no
_LOG_CODES = {"yes": ("yes", False), "no": ("no", False), "planned": ("no", True),
              "forthcoming": ("no", True), "discontinued": ("no", True), "stats": ("no", True)}


def _localgov_letter(council: str, answers: Sequence[str]) -> str:
    """A reply as FOI officers write one: each question restated, then the answer; half the
    councils (by the same hash as the halves) in a 'Question n / Response' layout."""
    restated = _split_key(council)[-1] in "02468ace"
    parts = [f"Dear Sir or Madam,\n\nFreedom of Information request: {council}\n\n"
             "Thank you for your request for information. Our response to each of your "
             "questions is below.\n"]
    for spec, answer in zip(LOCALGOV_QUESTIONS, answers, strict=True):
        answer = answer.strip() or "-"
        if restated:
            parts.append(f"{spec.number}. {spec.text}\n{answer}\n")
        else:
            parts.append(f"Question {spec.number}: {spec.text}\nResponse: {answer}\n")
    parts.append("If you are unhappy with this response you may ask for an internal review.\n"
                 "\nYours faithfully,\n\nInformation Governance Team")
    return "\n".join(parts)


def _localgov_labels(row: dict[str, str]) -> dict[int, Label]:
    labels = {}
    count, text = row["rough_people_count"].strip(), row[_LOCALGOV_COLUMNS[0]]
    if count:
        doubtful = bool(_DENIAL.search(text) and _FIGURE.search(text)) and (
            count != "0" or any(c in "123456789" for c in text))
        labels[1] = Label(1, "answered", count, (), (), "body", "1", "", doubtful=doubtful)
    logged = _LOG_CODES.get(row["disclosure_log"].strip().lower())
    if logged:
        labels[4] = Label(4, "answered", logged[0], (), (), "body", "1", "", doubtful=logged[1])
    return labels


def localgov_replies(limit: int | None = None, which: str | None = None
                     ) -> list[LabelledReply]:
    """The A-M councils' answers of localgov-foi-admin-2018, one composed reply each, labelled
    from the researchers' coding (questions 1 and 4); `which` half only ('tuning', 'sealed')."""
    with (SHARED / LOCALGOV / "answers.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["Authority"][:1].upper() <= "M"]
    replies = []
    for row in rows:
        council = row["Authority"].strip()
        body = _localgov_letter(council, [row[c] for c in _LOCALGOV_COLUMNS])
        pages = (PageText("body", 1, body, filename="", part=0, kind="text"),)
        replies.append(LabelledReply(LOCALGOV, council, pages, _localgov_labels(row), None))
    return (halves(replies)[which] if which else replies)[:limit]


def localgov_tuning(limit: int | None = None) -> list[LabelledReply]:
    """The tuning half of the A-M councils."""
    return localgov_replies(limit, "tuning")


CORPORA = {"cipfa-libraries-2017": (cipfa_libraries, CIPFA_QUESTIONS),
           "mh-accommodation-2021": (mh_accommodation, MH_QUESTIONS)}


# ---------------------------------------------------------------------------
# Scoring one answer against its label

_SAME_STATUS = {"missing": "unanswered", "unanswered": "unanswered"}


def _same_value(expected: str, got: str | None) -> bool:
    from decimal import Decimal, InvalidOperation

    if got is None:
        return False
    if expected.strip().lower() == got.strip().lower():
        return True
    try:
        return Decimal(expected) == Decimal(got)
    except (InvalidOperation, ValueError):
        return False


def is_right(label: Label, status: str, value: str | None) -> bool:
    """Whether an answer (status, value) says what the person read; for a document, data
    'partly' provided (a different breakdown, fewer years) is judged in the data, not here."""
    expected = _SAME_STATUS.get(label.status, label.status)
    if status in label.acceptable:
        return True  # e.g. 'not_applicable' for 'not_held' after a conditional 'no'
    if label.value == "provided" and expected == "partly":
        expected = "answered"
    if any(_same_value(a, value) for a in label.acceptable if status in ("answered", "partly")):
        return True
    if status != expected:
        return False
    if label.value is None:
        return True
    return _same_value(label.value, value)


def is_located(label: Label, document: str | None, page: int | None,
               letters: Sequence[str] = ()) -> bool:
    """Whether an answer's passage is in the document (and page) the person found it in; a
    document provided is also found where the body or a letter says it is attached."""
    if label.document is None:
        return document is None
    if label.value == "provided" and document in letters:
        return True
    wanted = "body" if label.document in ("reply.md", "body") else label.document
    if document in label.data_files:
        return True  # the data itself, which the letter points to
    if document != wanted:
        return False
    return not (label.page and label.page.isdigit()) or page == int(label.page)


def accepted(status: str, value: str | None, confidence: float, threshold: float) -> bool:
    """Whether an answer skips the review queue (as v_answers.needs_review decides)."""
    if status == "unclear" or (status in ("answered", "partly") and value is None):
        return False
    return confidence >= threshold


BANDS = (0.0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)


def reliability(scored: Sequence[tuple[float, bool]]) -> list[tuple[str, int, float | None]]:
    """(confidence band, answers, share right) for each band."""
    table = []
    for low, high in itertools.pairwise(BANDS):
        inside = [ok for c, ok in scored if low <= c < high]
        share = sum(inside) / len(inside) if inside else None
        table.append((f"{low:.2f}-{min(high, 1.0):.2f}", len(inside), share))
    return table


@dataclass
class Scores:
    """The figures of one set of labelled replies."""

    name: str
    answers: int = 0
    right: int = 0
    located: int = 0
    auto: int = 0
    auto_right: int = 0
    outcomes: int = 0
    outcomes_right: int = 0
    scored: list[tuple[float, bool]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line of the figures."""
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} ({100 * a / b:.0f}%)" if b else "-"
        return (f"{self.name:24} answers {self.answers:3}  right {pct(self.right, self.answers):14}"
                f" located {pct(self.located, self.answers):14}"
                f" auto-accepted {pct(self.auto, self.answers):14}"
                f" precision {pct(self.auto_right, self.auto):14}"
                f" review {pct(self.answers - self.auto, self.answers):14}"
                f" outcome {pct(self.outcomes_right, self.outcomes)}")

    def as_dict(self) -> dict[str, object]:
        """The figures as JSON."""
        return {"answers": self.answers, "right": self.right, "located": self.located,
                "auto": self.auto, "auto_right": self.auto_right, "outcomes": self.outcomes,
                "outcomes_right": self.outcomes_right,
                "reliability": reliability(self.scored)}


def score(name: str, replies: Sequence[LabelledReply], questions: Sequence[QuestionSpec],
          threshold: float) -> Scores:
    """Read every labelled reply with the product's reader and compare with its labels."""
    from extract.answers import read_whole_reply
    from extract.passages.reply import ANSWERING_ROLES

    scores = Scores(name)
    for reply in replies:
        if not reply.labels:
            continue
        reading = read_whole_reply(list(reply.pages), list(questions))
        answers = reading.answers
        letters = [p.document_id for p in reading.reply.parts if p.role in ANSWERING_ROLES]
        if reply.outcome:
            outcome = reading.outcome.outcome
            scores.outcomes += 1
            expected = {reply.outcome}
            if all(lb.status in ("answered", "partly") for lb in reply.labels.values()):
                expected.add("successful")  # how complete the data is, is judged in the data
            scores.outcomes_right += outcome in expected
            if outcome not in expected:
                scores.errors.append(f"{reply.authority[:30]:30} outcome  want {reply.outcome}"
                                     f" got {outcome}")
        for spec, answer in zip(questions, answers, strict=True):
            label = reply.labels.get(spec.number)
            if label is None:
                continue
            ok = is_right(label, answer.status, answer.value)
            auto = accepted(answer.status, answer.value, answer.confidence, threshold)
            if label.doubtful and not auto:
                ok = True   # sent to a person, as a careful reader would
            scores.answers += 1
            scores.right += ok
            scores.located += is_located(label, answer.document_id, answer.page, letters)
            scores.scored.append((answer.confidence, ok))
            if auto:
                scores.auto += 1
                scores.auto_right += ok
            if not ok:
                scores.errors.append(
                    f"{reply.authority[:30]:30} Q{spec.number} want {label.status}/{label.value}"
                    f" got {answer.status}/{answer.value} @{answer.confidence:.2f}"
                    f" {answer.method} {answer.document_id}:{answer.page}"
                    f" {(answer.snippet or '')[:80]!r}")
    return scores


def _housing_questions() -> tuple[QuestionSpec, ...]:
    from foi.campaigns import read_campaign

    campaign = read_campaign(ROOT / "examples" / "mh-housing-staff.toml")
    return tuple(QuestionSpec(n, q.key, q.text, q.type, tuple(q.choices), tuple(q.keywords))
                 for n, q in campaign.numbered())


def _read_bytes(data: bytes, filename: str, media_type: str | None
                ) -> tuple[str, tuple[str, ...], tuple[bool, ...]]:
    key = hashlib.sha256(data).hexdigest()[:24] + "-" + _reader_stamp()
    cached = CACHE / f"{key}.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    doc = read_document(data, filename, media_type)
    result = (doc.kind, doc.pages, doc.ocr)
    _write_cache(cached, result)
    return result


def generated_replies(seed: int = 2023, rounds: int = 3,
                      families: Sequence[str] | None = None, limit: int | None = None
                      ) -> list[LabelledReply]:
    """Replies in the styles real FOI officers write (simulator.styles), with the labels the
    generator wrote, read as the warehouse would hold them."""
    from foi.mail.incoming import read_message
    from simulator.styles import generate_styled_replies, sample_letters

    numbers = {q.key: q.number for q in _housing_questions()}
    found = []
    letters = sample_letters(rounds)[:limit]
    for styled in generate_styled_replies(letters, seed=seed, families=families):
        message = read_message(styled.eml)
        pages = [PageText("body", 1, message.body_text, part=0, kind="text")]
        for attachment in message.attachments:
            kind, texts, ocr = _read_bytes(attachment.data, attachment.filename,
                                           attachment.media_type)
            pages += [PageText(attachment.filename, n, t, filename=attachment.filename,
                               part=attachment.part, kind=kind, ocr=n <= len(ocr) and ocr[n - 1])
                      for n, t in enumerate(texts, start=1)]
        labels = {numbers[lb.question_key]: Label(
            numbers[lb.question_key], lb.status, lb.value or None, tuple(lb.acceptable),
            tuple(lb.sections), lb.document, str(lb.page), lb.evidence) for lb in styled.labels}
        found.append(LabelledReply(f"generated:{styled.family}", styled.reference,
                                   tuple(pages), labels, styled.outcome))
    return found


# The labelled sets calibration and the benchmarks read: name -> (loader, questions).
LABELLED_SETS = {**CORPORA, "generated-housing": (generated_replies, _housing_questions()),
                 "localgov-tuning": (localgov_tuning, LOCALGOV_QUESTIONS)}


def _tuning_half(load: Callable[..., list[LabelledReply]]) -> Callable[..., list[LabelledReply]]:
    def tuning(limit: int | None = None) -> list[LabelledReply]:
        return halves(load())["tuning"][:limit]
    return tuning


# What the confidence is calibrated on: the tuning halves only (the sealed halves are what
# the calibration is measured on, EVALUATION.md), and the generated replies
CALIBRATION_SETS = {
    "cipfa-tuning": (_tuning_half(cipfa_libraries), CIPFA_QUESTIONS),
    "mh-tuning": (_tuning_half(mh_accommodation), MH_QUESTIONS),
    "localgov-tuning": (localgov_tuning, LOCALGOV_QUESTIONS),
    "generated-housing": LABELLED_SETS["generated-housing"],
}

# ---------------------------------------------------------------------------
# Data returns: the tables of the accommodation round-robin

MH_CAMPAIGN = ROOT / "examples" / "mh-accommodation-2021.toml"


def mh_table_setup():
    """(table questions, code matcher) of the example accommodation campaign."""
    from extract.tables.codes import matcher, read_code_list
    from flows.steps.tables import table_questions
    from foi.campaigns import code_list_path, read_campaign

    campaign = read_campaign(MH_CAMPAIGN)
    questions = table_questions(campaign)
    path = code_list_path(MH_CAMPAIGN, campaign.questions[0])
    assert path is not None
    return questions, matcher(read_code_list(path))


def mh_table_files(authority: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every file of one authority's reply, in name order."""
    folder = SHARED / "mh-accommodation-2021" / "responses" / authority
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.name != "reply.md"]


def mh_answered() -> dict[str, set[int]]:
    """The questions each authority sent data for (answered or partly, by the labels)."""
    with (LABELS / "mh-accommodation-2021" / "answers.csv").open(encoding="utf-8") as handle:
        found: dict[str, set[int]] = {}
        for row in csv.DictReader(handle):
            if row["status"] in ("answered", "partly") and row["value"] == "provided":
                found.setdefault(row["authority"], set()).add(int(row["question"]))
        return found


def mh_cell_labels() -> list[dict[str, str]]:
    """The cells a person read from each trust's data files (tests/labels/.../cells.csv)."""
    with (LABELS / "mh-accommodation-2021" / "cells.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def find_read_cell(reading, label: dict[str, str]):
    """The figure (or total) read from the labelled cell's file, sheet and address."""
    for found in [*reading.cells, *reading.totals]:
        if (found.filename, found.sheet, found.cell) == (label["file"], label["sheet"],
                                                         label["cell"]):
            return found
    return None


def cell_verdict(reading, label: dict[str, str]) -> tuple[str, str]:
    """('right' | 'wrong' | 'missing', why) for one labelled cell."""
    from extract.tables.cells import parse_number

    found = find_read_cell(reading, label)
    if found is None:
        return "missing", f"{label['file']} {label['sheet']} {label['cell']} not read"
    problems = []
    if found.question != int(label["question"]):
        problems.append(f"question {found.question} not {label['question']}")
    if found.period != label["period"]:
        problems.append(f"period {found.period} not {label['period']}")
    suppressed = label["suppressed"] == "yes"
    is_total = not hasattr(found, "code")
    if suppressed:
        if not getattr(found, "suppressed", False) or found.value_text != label["value_as_written"]:
            problems.append(f"not read as suppressed {label['value_as_written']!r}")
    elif found.value != parse_number(label["value_as_written"]):
        problems.append(f"value {found.value} not {label['value_as_written']}")
    if is_total != (label["category_as_written"].lower() in ("grand total", "total")):
        problems.append("total" if is_total else "not read as a total")
    elif not is_total:
        if found.category != label["category_as_written"]:
            problems.append(f"category {found.category!r} not {label['category_as_written']!r}")
        if (found.code or "") != label["code"]:
            problems.append(f"code {found.code} not {label['code'] or 'none'}")
    return ("wrong", "; ".join(problems)) if problems else ("right", "")


# ---------------------------------------------------------------------------
# Data returns: the police round-robin (a hierarchy and further breakdowns, no code list)

POLICE_CAMPAIGN = ROOT / "examples" / "police-hospital-crimes-2025.toml"


def campaign_table_setup(path: Path):
    """(table questions, matcher per question) of an example campaign, as foi extract builds
    them from the warehouse."""
    from extract.tables.codes import matcher, read_categories
    from flows.steps.tables import table_questions
    from foi.campaigns import code_list_path, read_campaign

    campaign = read_campaign(path)
    codes = {}
    for n, q in campaign.numbered():
        if q.table is not None:
            file = code_list_path(path, q)
            codes[n] = matcher(() if file is None else
                               read_categories(file, q.table.categories.levels))
    return table_questions(campaign), codes


def reply_files(corpus: str, authority: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of one body's reply in a shared corpus, in name order."""
    folder = SHARED / corpus / "responses" / authority
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]


def label_rows(corpus: str, name: str) -> list[dict[str, str]]:
    """The rows of a label file a person wrote for a corpus (tests/labels/CORPUS/NAME)."""
    with (LABELS / corpus / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


POLICE = "police-hospital-crimes-2025"
COUNTERFEIT = "counterfeit-goods-2016"


def _same_label(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def police_verdict(reading, label: dict[str, str]) -> tuple[str, str]:
    """('right' | 'wrong' | 'missing', why) for one hand-read police figure."""
    from extract.tables.cells import parse_number
    from extract.tables.codes import level_of

    found = [c for c in reading.cells if not c.repeat and c.period == label["period"]
             and _same_label(c.category, label["category_as_written"])]
    if not found:
        return "missing", f"{label['period']} {label['category_as_written']!r} not read"
    problems = []
    cell = found[0]
    if len(found) > 1:
        problems.append(f"read {len(found)} times")
    if cell.dimension != label["breakdown"]:
        problems.append(f"breakdown {cell.dimension!r} not {label['breakdown']!r}")
    if cell.value != parse_number(label["value_as_written"]):
        problems.append(f"value {cell.value} not {label['value_as_written']}")
    if label["level"] and level_of(cell.code) not in (label["level"], None):
        problems.append(f"level {level_of(cell.code)} not {label['level']}")
    return ("wrong", "; ".join(problems)) if problems else ("right", "")


# ---------------------------------------------------------------------------
# Data returns: the counterfeit-goods round-robin (the letter's own list, units in cells)

COUNTERFEIT_CAMPAIGN = ROOT / "examples" / "counterfeit-goods-2016.toml"


def counterfeit_verdict(reading, label: dict[str, str]) -> tuple[str, str]:
    """('right' | 'wrong' | 'missing', why) for one hand-read cell: a note read as a figure
    is wrong, a note not read is right."""
    from extract.tables.cells import parse_number

    found = [c for c in reading.cells if not c.repeat and c.period == label["period"]
             and c.filename == label["file"] and (c.sheet or "") == label["sheet"]
             and _same_label(c.category, label["category_as_written"])]
    if label["value_as_written"] == "note":
        return ("wrong", f"read as {found[0].value_text!r}") if found else ("right", "")
    if not found:
        return "missing", f"{label['period']} {label['category_as_written']!r} not read"
    cell = found[0]
    problems = []
    if cell.value != parse_number(label["value_as_written"]):
        problems.append(f"value {cell.value} not {label['value_as_written']}")
    if cell.unit != label["unit"]:
        problems.append(f"unit {cell.unit!r} not {label['unit']!r}")
    return ("wrong", "; ".join(problems)) if problems else ("right", "")
