"""Campaign files: the example loads, errors name the field, letters render strictly."""

from __future__ import annotations

from datetime import date

import pytest

from foi.authorities import Authority, demo_ccgs
from foi.campaigns import CampaignFileError, parse_campaign, read_campaign, select_recipients
from foi.letters import LetterError, render_letter
from foi.references import find_references, make_reference

from .conftest import EXAMPLE

MINIMAL = """
id = "tt"
title = "Test"
reference_prefix = "T1"
[sender]
name = "A"
email = "a@b.example"
[letter]
subject = "FOI {{ reference }}"
body = "Dear {{ authority.name }}"
[[questions]]
key = "q"
text = "Is it so?"
type = "yes_no"
"""


def test_example_campaign_is_the_seed_story() -> None:
    campaign = read_campaign(EXAMPLE)
    assert campaign.reference_prefix == "QOF16"
    assert [(q.key, q.type, q.only_if) for q in campaign.questions] == [
        ("delegated", "yes_no", None), ("local_scheme", "yes_no", "delegated"),
        ("budget", "money", "local_scheme")]
    assert len(select_recipients(campaign, demo_ccgs())) == 209


def test_letter_names_the_authority_the_reference_and_every_question() -> None:
    campaign = read_campaign(EXAMPLE)
    darlington = demo_ccgs()[0]
    letter = render_letter(campaign, darlington, "QOF16-00C", date(2016, 4, 4))
    assert letter.subject.startswith("Freedom of Information request QOF16-00C")
    assert "Dear NHS Darlington CCG" in letter.body
    for n, q in campaign.numbered():
        assert f"{n}. {q.text}" in letter.body


@pytest.mark.parametrize(("change", "field", "why"), [
    (('type = "yes_no"', 'type = "yesno"'), "question 1 (key 'q').type", "yes_no"),
    (('key = "q"', 'key = "Q 1"'), "question 1 (key 'Q 1').key", "'Q 1' must be lowercase letters"),
    (('email = "a@b.example"', 'email = "nobody"'), "sender.email",
     "'nobody' must be an email address"),
    (('title = "Test"', 'titel = "Test"'), "titel", "unknown field"),
    (('title = "Test"\n', ''), "title", "required field is missing"),
    (('body = "Dear {{ authority.name }}"', 'body = "Dear {{ authority.name"'),
     "letter.body", "template syntax error on line 1"),
    (('type = "yes_no"', 'type = "yes_no"\nonly_if = "nothing"'), "question 'q'",
     "not an earlier question"),
    (('type = "yes_no"', 'type = "yes_no"\nunit = "people"'), "question 1 (key 'q')",
     "only a 'count' or 'number' question has a unit"),
    (('type = "yes_no"', 'type = "count"\nunit = "staff"'), "question 1 (key 'q').unit",
     "'people', 'posts', 'fte' or 'hours'"),
])
def test_validation_errors_say_which_field_and_why(change, field, why) -> None:
    with pytest.raises(CampaignFileError) as caught:
        parse_campaign(MINIMAL.replace(*change), "test.toml")
    message = str(caught.value)
    assert message.startswith("test.toml: ")
    assert field in message and why in message


def test_questions_are_counted_from_one_as_in_the_letter() -> None:
    second = MINIMAL + '[[questions]]\nkey = "budget"\ntext = "How much?"\ntype = "cash"\n'
    with pytest.raises(CampaignFileError) as caught:
        parse_campaign(second, "test.toml")
    assert "question 2 (key 'budget').type" in str(caught.value)
    assert "questions[1]" not in str(caught.value)


def test_not_toml_is_reported() -> None:
    with pytest.raises(CampaignFileError, match="not valid TOML"):
        parse_campaign("id = ", "x.toml")


def test_undefined_template_name_is_an_error_naming_it() -> None:
    campaign = parse_campaign(MINIMAL.replace("{{ authority.name }}", "{{ authority.fax }}"))
    with pytest.raises(LetterError, match="fax"):
        render_letter(campaign, Authority("A", "Alpha", "a@x.example"), "T1-A", date(2016, 1, 4))


def test_references_are_short_and_found_again() -> None:
    assert make_reference("QOF16", "00C") == "QOF16-00C"
    long_ref = make_reference("QOF16", "rnrf-mental-health-trust")
    assert len(long_ref) == len("QOF16-") + 6
    assert long_ref == make_reference("QOF16", "rnrf-mental-health-trust")
    text = "RE: Your request qof16-00c and QOF16 00D (not T2-00C); again QOF16-00C"
    assert find_references(text, ["QOF16"]) == ["QOF16-00C", "QOF16-00D"]
    assert find_references("XQOF16-00C", ["QOF16"]) == []


def test_foi_campaign_add_renders_every_letter_and_reports_every_problem(qof_workspace,
                                                                        tmp_path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app
    from warehouse.db import connect

    text = EXAMPLE.read_text(encoding="utf-8")
    assert '{{ authority.name }}' in text and 'name = "Alex Reporter"' in text
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace('id = "qof-local-schemes"', 'id = "broken"')
                      .replace('reference_prefix = "QOF16"', 'reference_prefix = "BRK16"')
                      .replace("{{ authority.name }}", "{{ authority.foi_officer }}")
                      .replace('name = "Alex Reporter"', 'name = "Alex\\nBcc: x@evil.example"'),
                      encoding="utf-8")
    home = str(qof_workspace.home)
    result = CliRunner().invoke(app, ["campaign", "add", str(broken), "--home", home])
    assert result.exit_code == 1, result.output
    assert "foi_officer" in result.output and "209 authorities: 00C, 00D" in result.output
    assert "linefeed" in result.output  # the second problem, told at once too
    con = connect(qof_workspace.database)
    try:
        assert con.execute("SELECT count(*) FROM campaigns WHERE id = 'broken'"
                           ).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM problems WHERE stage = 'import'"
                           " AND reason LIKE '%foi_officer%linefeed%'").fetchone()[0] == 1
    finally:
        con.close()
    # the registry has no one the campaign selects yet: a sample authority is written to
    empty = tmp_path / "other.toml"
    empty.write_text(broken.read_text(encoding="utf-8").replace('kind = "ccg"', 'kind = "trust"'),
                     encoding="utf-8")
    result = CliRunner().invoke(app, ["campaign", "add", str(empty), "--home", home])
    assert result.exit_code == 1 and "1 authority: SAMPLE" in result.output, result.output
    fine = CliRunner().invoke(app, ["campaign", "add", str(EXAMPLE), "--home", home])
    assert fine.exit_code == 0, fine.output
