"""The published sentences and page, from answers stored in a real warehouse."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from flows.steps.report import campaign_headlines, publish_campaign
from reports.summary import count_words, money
from warehouse.answers import add_override, save_answers
from warehouse.db import connect, rows
from warehouse.requests import record_sending, record_sent
from warehouse.timeline import record_event


def _answer(key: str, status: str, value: str | None, confidence: float = 0.95) -> dict:
    return {"question_key": key, "status": status, "value": value, "confidence": confidence,
            "document_id": None, "page": 1, "snippet": value, "method": "test", "sections": []}


def test_sentences_count_only_whom_each_question_applies_to(qof_workspace) -> None:
    con = connect(qof_workspace.database)
    ccgs = [r[0] for r in con.execute("SELECT id FROM authorities ORDER BY id").fetchall()]
    rng = random.Random(7)
    truth = {}
    for n, ccg in enumerate(ccgs[:120]):
        ref = f"QOF16-{ccg}"
        record_sending(con, reference=ref, campaign_id="qof-local-schemes", authority_id=ccg,
                       to_addr="x@y.example", message_id=f"<{n}@t>")
        record_sent(con, ref, datetime(2016, 4, 4, tzinfo=UTC), "test")
        if n >= 100:
            continue  # no reply
        delegated = rng.random() < 0.55
        local = delegated and rng.random() < 0.2
        budget = rng.randrange(50_000, 900_000) if local else None
        answers = [_answer("delegated", "answered", "yes" if delegated else "no")]
        if delegated:
            answers.append(_answer("local_scheme", "answered", "yes" if local else "no"))
        else:
            answers.append(_answer("local_scheme", "not_applicable", None))
        if local:
            answers.append(_answer("budget", "answered", f"{budget}.00"))
        save_answers(con, ref, answers)
        record_event(con, ref, "successful")
        truth[ref] = (delegated, local, budget)
    lines = {h.key: h for h in campaign_headlines(con, "qof-local-schemes")}
    n_delegated = sum(d for d, _, _ in truth.values())
    n_local = sum(loc for _, loc, _ in truth.values())
    budgets = sorted(b for _, _, b in truth.values() if b is not None)
    assert lines["delegated"].sentence.startswith(
        f"Of the {count_words(100)} CCGs that responded, {count_words(n_delegated)} said yes")
    assert lines["local_scheme"].sentence.startswith(
        f"Of the {count_words(n_delegated)} CCGs with delegated commissioning that responded, "
        f"{count_words(n_local)} said yes")
    assert lines["local_scheme"].figures["no"] == n_delegated - n_local
    assert money(sum(budgets)) in lines["budget"].sentence
    assert lines["budget"].figures["asked"] == n_local

    # A person's override wins over the extracted answer, and the sentence follows it.
    first_no = next(ref for ref, (d, _, _) in sorted(truth.items()) if not d)
    add_override(con, reference=first_no, question_key="delegated", status="answered",
                 value="yes", reason="letter says yes on page 2", author="editor")
    lines = {h.key: h for h in campaign_headlines(con, "qof-local-schemes")}
    assert f"{count_words(n_delegated + 1)} said yes" in lines["delegated"].sentence
    overridden = rows(con, "SELECT overridden, value FROM v_answers WHERE request_reference = ?"
                           " AND question_key = 'delegated'", [first_no])
    assert overridden == [{"overridden": True, "value": "yes"}]

    page = publish_campaign(con, qof_workspace.site, "qof-local-schemes").read_text()
    assert lines["delegated"].sentence.replace("'", "&#39;") in page
    assert page.count("<tr data-search=") == 120
    folder = qof_workspace.site / "qof-local-schemes"
    # answers.csv: one row per CCG asked (replied or not); answers-long.csv: one per answer
    assert len((folder / "answers.csv").read_text().splitlines()) == 1 + 120
    assert len((folder / "answers-long.csv").read_text().splitlines()) == 1 + sum(
        1 + 1 + (loc is True) for _, loc, _ in truth.values())


def test_number_words_follow_newsroom_style() -> None:
    assert [count_words(n) for n in (1, 3, 9, 10, 1234)] == ["one", "three", "nine", "10",
                                                              "1,234"]
    assert money(1_500_000) == "£1.5m"
    assert money(2_000_000) == "£2m"
    assert money(350_000) == "£350,000"


def test_a_money_answer_without_a_figure_is_published(qof_workspace) -> None:
    con = connect(qof_workspace.database)
    ccg = con.execute("SELECT id FROM authorities ORDER BY id").fetchone()[0]
    ref = f"QOF16-{ccg}"
    record_sending(con, reference=ref, campaign_id="qof-local-schemes", authority_id=ccg,
                   to_addr="x@y.example", message_id="<m@t>")
    record_sent(con, ref, datetime(2016, 4, 4, tzinfo=UTC), "test")
    save_answers(con, ref, [_answer("delegated", "answered", "yes"),
                            _answer("local_scheme", "answered", "yes"),
                            _answer("budget", "answered", None, 0.25)])
    record_event(con, ref, "successful")
    lines = {h.key: h for h in campaign_headlines(con, "qof-local-schemes")}
    assert lines["budget"].sentence.startswith("Of the one CCG")
    assert "None" not in lines["budget"].sentence
    page = publish_campaign(con, qof_workspace.site, "qof-local-schemes").read_text()
    assert lines["budget"].sentence in page
    assert money(None) == "\u2013"
