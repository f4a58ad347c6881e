"""Families about what an answer means: not held, all staff, cross-references, the Act."""

from __future__ import annotations

from simulator.styles.compose import (
    Answer,
    Ctx,
    Draft,
    email_text,
    greeting,
    numbered_reply,
    policy_attachment,
    received_sentence,
    text_of,
)
from simulator.styles.families.common import (
    community,
    container,
    draw_count,
    plain_count,
    q2_any,
    q2_provided,
    q2_section21,
    ward,
)
from simulator.styles.layout import Block, Para
from simulator.styles.model import Truth
from simulator.styles.prose import (
    BOROUGHS,
    COUNCILS,
    SITES,
    act_section1,
    act_section12,
    act_section17,
    role,
    words,
)
from simulator.styles.questions import COMMUNITY, INPATIENT, LETTER_INTRO, POLICY, QUESTIONS
from simulator.styles.voice import LONDON, long_date, working_days_after

# ---- not_held_reasons -----------------------------------------------------------------

_REASONS = (
    ("We are unable to quantify the number of staff who support patients with housing issues",
     "unable to quantify"),
    ("This information is not held centrally", "not held centrally"),
    ("This information is not routinely collected by the Trust", "not routinely collected"),
    ("We do not record staff by this specialism", "not recorded by specialism"),
    ("The Trust's Electronic Staff Record does not identify housing roles separately, so this "
     "information is not held", "ESR does not identify housing roles"),
    ("Housing support is provided by staff employed by the local authority; the Trust does not "
     "hold this information", "staff employed by the local authority"),
)
_TAILS = (
    ".", " – housing support forms part of the wider role of our care coordinators.",
    ". Under section 1(1)(a) of the Act we can confirm that the information is not held.",
    ", as staff are recorded by professional group (for example nursing or social work), not "
    "by the tasks they carry out.",
)


def _not_held(ctx: Ctx, key: str, avoid: str = "") -> Answer:
    """A not-held answer with its reason."""
    choices = [r for r in _REASONS if r[1] != avoid]
    evidence, reason = choices[ctx.rng.randrange(len(choices))]
    acceptable = ("0",) if reason == "staff employed by the local authority" else ()
    tail = ctx.pick(_TAILS)
    if acceptable and ctx.chance(0.6):
        council = ctx.pick(COUNCILS)
        slug = council.split()[0].lower()
        tail = (f". This information may be held by {council}, whose FOI team can be contacted "
                f"at foi@{slug}.gov.example.")
    return (evidence + tail,
            Truth(key, "not_held", "", evidence, acceptable=acceptable, detail=reason))


def _partly(ctx: Ctx, key: str) -> Answer:
    """Figures for one site or team only: the rest is not recorded."""
    n = ctx.rng.randint(1, 3)
    units = "inpatient units" if key == INPATIENT else "community teams"
    place = ctx.pick(SITES) if key == INPATIENT else f"the {ctx.pick(BOROUGHS)} team"
    evidence = f"{words(n)} {role(n, ctx.rng)}"
    return (f"We can only provide figures for {place}, where there {'is' if n == 1 else 'are'} "
            f"{evidence}; the Trust's other {units} do not record this information.",
            Truth(key, "partly", str(n), evidence,
                  detail=f"{place} only; other {units} not recorded"))


def not_held_reasons(ctx: Ctx) -> Draft:
    """'Unable to quantify', 'not held centrally' and friends, beside other answers."""
    roll = ctx.rng.random()
    first = _not_held(ctx, INPATIENT)
    if roll < 0.4:
        third = plain_count(ctx, COMMUNITY, draw_count(ctx), community(ctx))
    elif roll < 0.55:
        third = _partly(ctx, COMMUNITY)
    elif roll < 0.8:
        third = _not_held(ctx, COMMUNITY, avoid=first[1].detail)
    else:
        first = (_partly(ctx, INPATIENT) if ctx.chance(0.4)
                 else plain_count(ctx, INPATIENT, draw_count(ctx), ward(ctx)))
        third = _not_held(ctx, COMMUNITY)
    answers = {INPATIENT: first, POLICY: q2_any(ctx, provided=0.6), COMMUNITY: third}
    return numbered_reply(ctx, answers, container(ctx))


# ---- all_staff_trap -------------------------------------------------------------------

def _all_staff(ctx: Ctx, key: str) -> Answer:
    """'All our staff help with housing': no specialist count, or a stated zero."""
    n = ctx.rng.randint(40, 400)
    if key == INPATIENT:
        shapes = [
            ("All of our ward staff support patients with their housing needs",
             " as part of their role.", False),
            (f"All {n} members of our inpatient nursing teams support patients with housing "
             "issues", ".", False),
            ("We do not have specialist housing staff on our wards",
             f"; all ward staff (approximately {n}) support patients with their housing needs.",
             True),
            ("Every inpatient has a named nurse who helps with housing",
             ", alongside the ward social worker.", False),
        ]
    else:
        shapes = [
            ("All community staff help with housing", " as part of care coordination.", False),
            ("Housing support is part of every care coordinator's role",
             f"; the Trust has {n} care coordinators in its community mental health teams.",
             False),
            ("There are no specialist posts",
             f". All {n} community mental health staff help patients with housing issues.", True),
            ("None – all of our community staff support people with housing",
             " as part of their core role.", True),
        ]
    evidence, tail, says_zero = shapes[ctx.rng.randrange(len(shapes))]
    if says_zero:
        return evidence + tail, Truth(key, "answered", "0", evidence,
                                      detail="no specialist staff; all staff help")
    return evidence + tail, Truth(key, "unclear", "", evidence, acceptable=("0",),
                                  detail="all staff help; no specialist count given")


def all_staff_trap(ctx: Ctx) -> Draft:
    """'All of our ward staff support patients with housing' for a specialist-staff question."""
    roll = ctx.rng.random()
    trap_wards, trap_community = roll < 0.7, roll >= 0.4
    answers = {
        INPATIENT: (_all_staff(ctx, INPATIENT) if trap_wards
                    else plain_count(ctx, INPATIENT, draw_count(ctx), ward(ctx))),
        POLICY: q2_any(ctx),
        COMMUNITY: (_all_staff(ctx, COMMUNITY) if trap_community
                    else plain_count(ctx, COMMUNITY, draw_count(ctx), community(ctx))),
    }
    return numbered_reply(ctx, answers, container(ctx))


# ---- cross_reference ------------------------------------------------------------------

def cross_reference(ctx: Ctx) -> Draft:
    """'Please see the answer to question 1', 'As above': the truth follows the reference."""
    shape = ctx.pick(["see_q1", "as_above", "same_team", "forward", "na_zero", "not_held"])
    both = ctx.pick(["across inpatient and community services", "on our wards and in the "
                     "community", "for both inpatients and community patients"])
    n = draw_count(ctx, zero=0.0)
    if shape == "forward":
        evidence = "Please see our response to question 3 below"
        text = f"{evidence}; the Housing Team supports both inpatients and community patients."
        third = plain_count(ctx, COMMUNITY, n, both)
        first = text, Truth(INPATIENT, "answered", str(n), evidence,
                            detail=f"see question 3: {third[1].evidence}")
    elif shape == "na_zero":
        first_text = "The Trust does not employ any specialist housing staff."
        first = first_text, Truth(INPATIENT, "answered", "0", first_text[:-1])
        evidence = "Not applicable – see response to question 1"
        third = f"{evidence}.", Truth(COMMUNITY, "answered", "0", evidence,
                                      detail="see question 1: none employed")
    elif shape == "not_held":
        first = _not_held(ctx, INPATIENT)
        evidence = "Please refer to our answer to question 1"
        third = f"{evidence}.", Truth(COMMUNITY, "not_held", "", evidence,
                                      detail=f"see question 1: {first[1].detail}")
    else:
        first = plain_count(ctx, INPATIENT, n, both)
        evidence, text = {
            "see_q1": ("Please see the answer to question 1",
                       "Please see the answer to question 1."),
            "as_above": ("As above – the same staff support community patients",
                         "As above – the same staff support community patients."),
            "same_team": ("The same team covers both; see our response to Q1",
                          "The same team covers both; see our response to Q1."),
        }[shape]
        third = text, Truth(COMMUNITY, "answered", str(n), evidence,
                            detail=f"see question 1: {first[1].evidence}")
    answers = {INPATIENT: first, POLICY: q2_any(ctx), COMMUNITY: third}
    return numbered_reply(ctx, answers, container(ctx))


# ---- act_quotes -----------------------------------------------------------------------

def act_quotes(ctx: Ctx) -> Draft:
    """The letter quotes the Act around real answers; some refuse Q2 under section 21."""
    refuse = ctx.chance(0.5)
    cost_limit = ctx.chance(0.25)
    answers = {
        INPATIENT: plain_count(ctx, INPATIENT, draw_count(ctx), ward(ctx)),
        POLICY: q2_section21(ctx) if refuse else q2_provided(ctx),
        COMMUNITY: (_section12(ctx) if cost_limit
                    else plain_count(ctx, COMMUNITY, draw_count(ctx), community(ctx))),
    }
    refuse = refuse or cost_limit
    before: list[Block] = [Para(act_section1())]
    if ctx.chance(0.5):
        before.append(Para("Having completed enquiries within the Trust and in respect of "
                           "section 1(1)(a), the Trust does hold information relating to your "
                           "request and can confirm in respect of section 1(1)(b) the "
                           "information below."))
    after: list[Block] = [Para(p) for p in ctx.rng.sample([
        act_section12(),
        "Please note that the names of individual members of staff have been withheld under "
        "section 40(2) of the Act (personal information); you did not ask for them.",
        "Section 16 of the Act places a duty on the Trust to provide advice and assistance; "
        "please contact us if you would like to discuss your request.",
    ], 2)]
    if refuse:
        after.insert(0, Para(act_section17()))
    return numbered_reply(ctx, answers, ctx.pick(["pdf", "docx", "body"]), before=before,
                          after=after)


def _section12(ctx: Ctx) -> Answer:
    """Question 3 refused under the cost limit, with the numbers of the estimate."""
    staff, hours = ctx.rng.randint(300, 1500), ctx.rng.randint(20, 60)
    evidence = "would therefore exceed the appropriate limit"
    return (f"To answer this question we would need to review the job descriptions of "
            f"approximately {staff} community staff, which we estimate would take {hours} hours. "
            f"The cost of complying {evidence} of £450 under section 12 of the Act.",
            Truth(COMMUNITY, "refused", "", evidence, sections=("s12",),
                  detail=f"cost limit: about {hours} hours"))


# ---- corrected_reply ------------------------------------------------------------------

def corrected_reply(ctx: Ctx) -> Draft:
    """A corrected answer on top of the earlier, wrong reply quoted below it."""
    answers = {
        INPATIENT: plain_count(ctx, INPATIENT, ctx.rng.randint(1, 4), ward(ctx)),
        POLICY: q2_provided(ctx) if ctx.chance(0.7) else q2_section21(ctx),
        COMMUNITY: plain_count(ctx, COMMUNITY, draw_count(ctx), community(ctx)),
    }
    earlier = working_days_after(ctx.voice.received, ctx.rng.randint(3, 6))
    apology = ctx.pick([
        f"Further to our response of {long_date(earlier, ctx.rng)}, I am sorry but the answers "
        "we gave were incorrect. Please see our amended response below.",
        "I do apologise; we misunderstood your request. Having checked with our Housing and "
        "Welfare team, please see our corrected response below.",
        "Please accept this email as an amended response to your request; our earlier reply "
        "was sent in error and should be disregarded.",
    ])
    lines = [f"{q.number}. {text_of(answers[q.key][0])}" for q in QUESTIONS]
    body = email_text(ctx, [apology, *lines])
    wrong = [
        "1. This information is not held by the Trust.",
        "2. Please see attached." if ctx.chance(0.5) else "2. The Trust does not hold a policy.",
        f"3. {ctx.pick(['Not held.', 'Nil.', f'{ctx.rng.randint(5, 9)} staff.'])}",
    ]
    sent = ctx.letter.sent_at.astimezone(LONDON)
    original = "\n".join([
        "-----Original Message-----",
        f"From: {ctx.voice.team} <{ctx.letter.authority_email}>",
        f"Sent: {earlier:%A, %d %B %Y} 14:{ctx.rng.randint(10, 59)}",
        f"To: {ctx.letter.requester_name} <{ctx.letter.requester_email}>",
        f"Subject: RE: {ctx.letter.subject}", "",
        f"{greeting(ctx)},", "", received_sentence(ctx), "", *wrong, "",
        ctx.voice.team, "",
        "-----Original Message-----",
        f"From: {ctx.letter.requester_name} <{ctx.letter.requester_email}>",
        f"Sent: {sent:%d %B %Y %H:%M}", f"Subject: {ctx.letter.subject}", "",
        LETTER_INTRO, *(f"{q.number}. {q.text}" for q in QUESTIONS),
    ])
    if ctx.chance(0.5):
        original = "\n".join(f"> {line}" if line else ">" for line in original.split("\n"))
    draft = Draft(body=f"{body}\n{original}\n",
                  truths=[answers[q.key][1] for q in QUESTIONS])
    if answers[POLICY][1].status == "answered":
        draft.attachments.append(policy_attachment(ctx))
    return draft

