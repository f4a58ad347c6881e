"""Chasers and drafts: which stage a request is at and the letter for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

STAGES: dict[str, str] = {             # stage -> how it leaves foitrack
    "first_chase": "send",
    "second_chase": "send",
    "internal_review": "draft",
    "ico_complaint": "draft",
}
STAGE_OF_ACTION = {                     # v_requests.next_action -> stage
    "send first chaser": "first_chase",
    "send second chaser": "second_chase",
    "consider an internal review": "internal_review",
    "complain to the ICO": "ico_complaint",
}
ACTS = {"foia": "Freedom of Information Act 2000",
        "eir": "Environmental Information Regulations 2004",
        "foisa": "Freedom of Information (Scotland) Act 2002"}


@dataclass(frozen=True)
class Chaser:
    """A rendered chaser or draft for one request."""

    reference: str
    stage: str
    subject: str
    body: str


def _longdate(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "(unknown)"


def _sections(values: list[str]) -> str:
    names = [v.replace("s", "section ", 1) if v.startswith("s") else v for v in values]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def template_environment(workspace_templates: Path | None) -> jinja2.Environment:
    """Templates from the workspace's templates/ folder first, then foitrack's defaults."""
    loaders: list[jinja2.BaseLoader] = []
    if workspace_templates is not None:
        loaders.append(jinja2.FileSystemLoader(workspace_templates))
    loaders.append(jinja2.PackageLoader("foi", "templates"))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["longdate"] = _longdate
    env.filters["sections"] = _sections
    return env


def render_chaser(env: jinja2.Environment, stage: str, request: Mapping[str, Any],
                  authority: Mapping[str, Any], sender: Mapping[str, Any],
                  letter_subject: str) -> Chaser:
    """Render the letter of one stage for one request (a row of v_requests)."""
    body = env.get_template(f"{stage}.txt.j2").render(
        request=request, authority=authority, sender=sender,
        act=ACTS.get(request.get("regime") or "foia", ACTS["foia"]))
    subject = letter_subject if letter_subject.lower().startswith("re:") \
        else f"RE: {letter_subject}"
    if stage == "ico_complaint":
        subject = f"Complaint: {authority['name']}, request {request['reference']}"
    elif stage == "internal_review":
        subject = f"Internal review of {request['reference']}: {letter_subject}"
    return Chaser(request["reference"], stage, subject, body)
