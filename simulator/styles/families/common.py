"""Answers several families share: plain counts, and the ways question 2 is answered."""

from __future__ import annotations

from simulator.styles.compose import Answer, Ctx, policy_provided
from simulator.styles.model import Truth
from simulator.styles.prose import act_section21, cap, role, words
from simulator.styles.questions import POLICY


def draw_count(ctx: Ctx, *, zero: float = 0.15, most: int = 6) -> int:
    """A plausible number of specialist housing staff."""
    if ctx.chance(zero):
        return 0
    return ctx.rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 8, 11][: max(2, most * 2)])


def container(ctx: Ctx) -> str:
    """Where the answers go: a PDF letter, a Word letter or the email body."""
    return ctx.pick(["pdf", "pdf", "docx", "body"])


def plain_count(ctx: Ctx, key: str, n: int, setting: str) -> Answer:
    """A count stated plainly, in digits or as 'Two (2)'."""
    job = role(n, ctx.rng)
    if n == 0:
        if ctx.chance(0.5):
            evidence = f"the Trust does not employ any {role(2, ctx.rng)} {setting}"
            text = f"0 – {evidence}."
        else:
            evidence = f"There are no specialist housing posts {setting}"
            text = f"None. {evidence}."
        return text, Truth(key, "answered", "0", evidence)
    shapes = [
        (f"{n} {job}", f"{n} {job}."),
        (f"{cap(words(n))} ({n}) {job}", f"{cap(words(n))} ({n}) {job} {setting}."),
        (f"employs {n} {job}", f"The Trust employs {n} {job} {setting}."),
        (f"{n} x {job}", f"{n} x {job}"),
    ]
    evidence, text = shapes[ctx.rng.randrange(len(shapes))]
    return text, Truth(key, "answered", str(n), evidence)


def q2_provided(ctx: Ctx) -> Answer:
    """Question 2 answered by attaching the policy."""
    title = ctx.policy.title
    text = ctx.pick([
        f"Please find attached the Trust's {title}.",
        "Please see attached.",
        "A copy of the protocol is attached to this email.",
        f"Attached – {ctx.policy.filename}",
        f"The Trust's policy is attached ({ctx.policy.code}, version {ctx.policy.version}).",
        "Please see the attached policy document, which sets out the process in section 7.",
    ])
    return text, policy_provided(ctx, detail=text)


def q2_section21(ctx: Ctx) -> Answer:
    """Question 2 refused: the policy is already published."""
    url = f"https://{ctx.voice.website}/about-us/policies/{ctx.policy.code.lower()}"
    shapes = [
        ("The policy is published on our website", f"The policy is published on our website at "
                                                   f"{url}"),
        ("This information is reasonably accessible to you as it is published on our website",
         f"This information is reasonably accessible to you as it is published on our website: "
         f"{url}"),
        ("is available on the Trust's website",
         f"The {ctx.policy.title} is available on the Trust's website ({url})"),
    ]
    evidence, lead = shapes[ctx.rng.randrange(len(shapes))]
    text = lead + ctx.pick([
        ". We are therefore applying section 21 of the Freedom of Information Act 2000.",
        ", and is therefore exempt under section 21 (information accessible to the applicant "
        "by other means).",
        f". {act_section21(url)}",
    ])
    return text, Truth(POLICY, "refused", "", evidence, sections=("s21",), detail=url)


def q2_not_held(ctx: Ctx) -> Answer:
    """Question 2 not held: there is no separate protocol."""
    text = ctx.pick([
        "The Trust does not have a specific protocol for discharging patients who are homeless; "
        "discharge is planned case by case under the Care Programme Approach.",
        "There is no separate policy. Homeless patients are discharged under the Trust's general "
        "discharge arrangements, which do not include a homelessness protocol.",
        "This information is not held: the Trust has no standalone homelessness discharge "
        "protocol.",
    ])
    evidence = text.split(";")[0].split(".")[0].split(":")[0]
    return text, Truth(POLICY, "not_held", "", evidence, detail="no separate protocol")


def q2_any(ctx: Ctx, *, provided: float = 0.7) -> Answer:
    """Question 2, mostly provided, sometimes refused under s21 or not held."""
    roll = ctx.rng.random()
    if roll < provided:
        return q2_provided(ctx)
    if roll < provided + (1 - provided) / 2:
        return q2_section21(ctx)
    return q2_not_held(ctx)


WARD_SETTINGS = ("on the Trust's inpatient wards", "to support inpatients",
                 "across our inpatient units", "on the wards")
COMMUNITY_SETTINGS = ("in the Trust's community teams", "in the community",
                      "across our community mental health teams", "in community services")


def ward(ctx: Ctx) -> str:
    """How a letter says 'for inpatients'."""
    return ctx.pick(WARD_SETTINGS)


def community(ctx: Ctx) -> str:
    """How a letter says 'in the community'."""
    return ctx.pick(COMMUNITY_SETTINGS)
