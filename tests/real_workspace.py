"""A workspace holding a real round-robin: the corpus's authorities asked its questions through
`foi send`, each real reply mailed back (its email body, its files attached), ingested and read."""

from __future__ import annotations

import csv
import mimetypes
import re
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path

from typer.testing import CliRunner

from extract.passages.reply import QuestionSpec
from flows.cli import app
from flows.steps.session import workspace_db
from warehouse.db import rows

from .corpora import CIPFA_QUESTIONS, MH_QUESTIONS, PLAIN_COVER, SHARED

_LETTER = '''
id = "{id}"
title = "{title}"
reference_prefix = "{prefix}"
regime = "foia"

[sender]
name = "Alex Reporter"
email = "foi-desk@newsroom.example"
organisation = "The Newsroom"

[letter]
subject = "Freedom of Information request {{{{ reference }}}}"
body = """
Dear {{{{ authority.name }}}},

Under the Freedom of Information Act 2000, please provide the following information.

{{% for q in questions -%}}
{{{{ q.number }}}}. {{{{ q.text }}}}
{{% endfor %}}

Yours faithfully,
{{{{ sender.name }}}}
"""
'''


def _campaign_toml(campaign: str, title: str, prefix: str,
                   questions: Sequence[QuestionSpec]) -> str:
    text = _LETTER.format(id=campaign, title=title, prefix=prefix)
    for q in questions:
        text += (f'\n[[questions]]\nkey = "{q.key}"\ntext = """{q.text}"""\n'
                 f'type = "{q.type}"\n')
    return text


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


def _reply(reference: str, letter_id: str, authority: str, body: str,
           files: Sequence[Path]) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"foi@{_slug(authority)}.example"
    msg["To"] = "foi-desk@newsroom.example"
    msg["Subject"] = f"RE: Freedom of Information request {reference}"
    msg["In-Reply-To"] = letter_id
    msg.set_content(body)
    for f in files:
        kind = (mimetypes.guess_type(f.name)[0] or "application/octet-stream").split("/")
        msg.add_attachment(f.read_bytes(), maintype=kind[0], subtype=kind[1], filename=f.name)
    return msg.as_bytes()


def _mh_replies() -> dict[str, tuple[str, list[Path]]]:
    folder = SHARED / "mh-accommodation-2021" / "responses"
    found = {}
    for authority in sorted(p.name for p in folder.iterdir() if p.is_dir()):
        body = folder / authority / "reply.md"
        files = sorted(p for p in (folder / authority).iterdir() if p.name != "reply.md")
        found[authority] = (body.read_text(encoding="utf-8") if body.exists() else PLAIN_COVER,
                            files)
    return found


def _cipfa_replies() -> dict[str, tuple[str, list[Path]]]:
    folder = SHARED / "cipfa-libraries-2017"
    found = {}
    with (folder / "labels.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["files"]:
                found[row["authority"]] = (PLAIN_COVER, [folder / "responses" / f
                                                         for f in row["files"].split(";")])
    return found


REAL_CAMPAIGNS = {
    "mh-accommodation-2021": ("Accommodation status of people in contact with mental health "
                              "services", "MHA21", MH_QUESTIONS, _mh_replies),
    "cipfa-libraries-2017": ("CIPFA library statistics returns", "LIB17", CIPFA_QUESTIONS,
                             _cipfa_replies),
}


def build_real_workspace(home: Path, campaign: str, definition: Path | None = None, *,
                         authorities: int | None = None) -> Path:
    """Send the corpus's request to its authorities (the first `authorities` of them) in a new
    workspace at `home`, mail each real reply back, and ingest and read them all. `definition`:
    a campaign file of the same id to ask with (e.g. examples/mh-accommodation-2021.toml and its
    table questions)."""
    title, prefix, questions, replies_of = REAL_CAMPAIGNS[campaign]
    replies = dict(list(replies_of().items())[:authorities])
    runner = CliRunner()

    def foi(*args: str) -> None:
        result = runner.invoke(app, [*args, "--home", str(home)])
        assert result.exit_code == 0, result.output

    foi("init")
    registry = home.parent / f"{campaign}-authorities.csv"
    with registry.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("id", "name", "email", "kind"))
        for n, authority in enumerate(replies, 1):
            writer.writerow((f"{prefix}{n:03d}", authority, f"foi@{_slug(authority)}.example",
                             "mh_trust" if campaign.startswith("mh-") else "library"))
    foi("authorities", "import", str(registry))
    if definition is None:
        definition = home.parent / f"{campaign}.toml"
        definition.write_text(_campaign_toml(campaign, title, prefix, questions),
                              encoding="utf-8")
    foi("campaign", "add", str(definition))
    foi("send", campaign)
    with workspace_db(home, read_only=True) as (_, con):
        letters = rows(con, "SELECT r.reference, r.message_id, a.name FROM requests r JOIN"
                            " authorities a ON a.id = r.authority_id WHERE r.campaign_id = ?",
                       [campaign])
    inbox = home.parent / f"{campaign}-inbox"
    inbox.mkdir(exist_ok=True)
    for letter in letters:
        body, files = replies[letter["name"]]
        (inbox / f"{letter['reference']}.eml").write_bytes(
            _reply(letter["reference"], letter["message_id"], letter["name"], body, files))
    foi("ingest", "--eml", str(inbox))
    foi("extract")
    return home
