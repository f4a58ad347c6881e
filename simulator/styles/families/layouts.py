"""Families about where the answers sit: letter, body, restatements, one paragraph, table."""

from __future__ import annotations

from dataclasses import replace

from simulator.styles.compose import (
    LETTER,
    POLICY_DOC,
    Answer,
    Attachment,
    Ctx,
    Draft,
    cover_note,
    email_text,
    letter_doc,
    letter_filename,
    numbered_reply,
    policy_attachment,
    policy_provided,
    received_sentence,
    text_of,
)
from simulator.styles.families.common import (
    community,
    draw_count,
    plain_count,
    q2_any,
    q2_not_held,
    q2_provided,
    ward,
)
from simulator.styles.layout import Block, Grid, Para
from simulator.styles.model import BODY, Truth
from simulator.styles.prose import cap, role, words
from simulator.styles.questions import BY_KEY, COMMUNITY, INPATIENT, POLICY, QUESTIONS

# ---- toc_policy -----------------------------------------------------------------------

def _count_citing_policy(ctx: Ctx, key: str, setting: str) -> Answer:
    """A count that points at the policy's sections before giving the number."""
    n = draw_count(ctx)
    if ctx.chance(0.5):
        return plain_count(ctx, key, n, setting)
    lead = (f"The role of housing link workers is described in section 4.5 of the attached "
            f"{ctx.policy.code} (version {ctx.policy.version}).")
    if n == 0:
        evidence = "The Trust does not currently employ anyone in this role"
        return f"{lead} {evidence}.", Truth(key, "answered", "0", evidence)
    evidence = f"employs {words(n)} such {'worker' if n == 1 else 'workers'}"
    return (f"{lead} The Trust currently {evidence} {setting}.",
            Truth(key, "answered", str(n), evidence))


def toc_policy(ctx: Ctx) -> Draft:
    """A covering letter answers; the policy attached has contents, headers and numbers."""
    title = ctx.policy.title
    q2 = ctx.pick([
        f"Please find attached the Trust's {title} (version {ctx.policy.version}). Section 7 "
        "sets out the procedure and Appendix A the Duty to Refer checklist.",
        f"The Trust's {title} is attached.",
        f"Please see the attached document ({ctx.policy.filename}).",
    ])
    answers = {
        INPATIENT: _count_citing_policy(ctx, INPATIENT, ward(ctx)),
        POLICY: (q2, policy_provided(ctx, detail=q2)),
        COMMUNITY: _count_citing_policy(ctx, COMMUNITY, community(ctx)),
    }
    return numbered_reply(ctx, answers, ctx.pick(["pdf", "pdf", "docx"]))


# ---- answer_in_body -------------------------------------------------------------------

def answer_in_body(ctx: Ctx) -> Draft:
    """The answers are in the email body; the only attachment is the policy."""
    answers = {
        INPATIENT: plain_count(ctx, INPATIENT, draw_count(ctx), ward(ctx)),
        POLICY: q2_provided(ctx),
        COMMUNITY: plain_count(ctx, COMMUNITY, draw_count(ctx), community(ctx)),
    }
    return numbered_reply(ctx, answers, "body")


# ---- unnumbered_restatement -----------------------------------------------------------

_RESTATED = {
    INPATIENT: ("The number of specialist housing staff (housing officers, housing link "
                "workers or homelessness leads) employed to support inpatients",
                "How many specialist housing staff support inpatients with housing issues?"),
    POLICY: ("A copy of the Trust's protocol or policy for discharging inpatients who are "
             "homeless or at risk of homelessness",
             "Discharge protocol for homeless inpatients"),
    COMMUNITY: ("The number of specialist housing staff supporting patients with housing "
                "issues in the community",
                "How many specialist housing staff support patients in the community?"),
}


def unnumbered_restatement(ctx: Ctx) -> Draft:
    """Questions restated unnumbered (bold or italic), reordered or merged, answers beneath."""
    style = ctx.pick(["bold", "italic", "bolditalic"])
    label = ctx.pick(["", "Response: ", "Trust response: ", "Answer – "])
    n1, n3 = draw_count(ctx), draw_count(ctx)
    middle: list[Block] = [Para(ctx.pick(["Your request and our response are set out below.",
                                          "Please find our response to each part of your "
                                          "request below."]))]
    truths: list[Truth] = []

    def restate(key: str) -> str:
        return ctx.pick([BY_KEY[key].text, *_RESTATED[key]])

    def answer(key: str, content: Answer) -> None:
        text, truth = content
        anchor = f"a{len(truths)}"
        middle.append(Para(restate(key), style))
        middle.append(Para(label + text_of(text), anchor=anchor))
        truths.append(truth if truth.where != BODY else replace(truth, where=LETTER,
                                                                anchor=anchor))

    if ctx.chance(0.4):
        merged = ("How many specialist housing staff does the Trust employ to support "
                  "inpatients, and how many to support patients in the community?")
        first, second = role(n1, ctx.rng), role(n3, ctx.rng)
        if ctx.chance(0.5):
            e1, e3 = f"Inpatient wards: {n1}", f"Community teams: {n3}"
            text = f"{e1}\n{e3}"
        else:
            e1 = f"{cap(words(n1))} {first} {'works' if n1 == 1 else 'work'} with inpatients"
            e3 = f"{words(n3)} {second} in the community"
            text = f"{e1} and {e3}."
        q2_first = ctx.chance(0.5)
        if q2_first:
            answer(POLICY, q2_any(ctx, provided=0.8))
        middle += [Para(merged, style), Para(label + text, anchor="merged")]
        truths += [Truth(INPATIENT, "answered", str(n1), e1, where=LETTER, anchor="merged"),
                   Truth(COMMUNITY, "answered", str(n3), e3, where=LETTER, anchor="merged")]
        if not q2_first:
            answer(POLICY, q2_any(ctx, provided=0.8))
    else:
        order = ctx.pick([(POLICY, INPATIENT, COMMUNITY), (COMMUNITY, INPATIENT, POLICY),
                          (INPATIENT, COMMUNITY, POLICY), (POLICY, COMMUNITY, INPATIENT)])
        counts = {INPATIENT: (n1, ward(ctx)), COMMUNITY: (n3, community(ctx))}
        for key in order:
            if key == POLICY:
                answer(key, q2_any(ctx, provided=0.8))
            else:
                answer(key, plain_count(ctx, key, *counts[key]))
    filename = letter_filename(ctx, ctx.pick(["pdf", "docx"]))
    draft = Draft(body=cover_note(ctx), truths=truths)
    draft.attachments.append(Attachment(LETTER, filename,
                                        letter_doc(ctx, middle, filename=filename),
                                        filename.rpartition(".")[2]))
    if any(t.where == POLICY_DOC for t in truths):
        draft.attachments.append(policy_attachment(ctx))
    return draft


# ---- one_paragraph --------------------------------------------------------------------

def _paragraph(ctx: Ctx) -> tuple[str, list[Truth]]:
    """All three answers in one paragraph, with the phrase that shows each."""
    n1, n3 = ctx.rng.randint(1, 4), ctx.rng.randint(1, 6)
    r1, r3 = role(n1, ctx.rng), role(n3, ctx.rng)
    w1, w3 = words(n1), words(n3)
    provided = policy_provided(ctx)
    shape = ctx.pick(["further", "employs", "based", "total", "zero_wards", "none", "skips"])
    if shape == "skips":  # the community question is simply not addressed
        e1 = f"{w1} {r1} on our wards"
        text = f"We have {e1}, and our discharge protocol is attached."
        return text, [Truth(INPATIENT, "answered", str(n1), e1), provided,
                      Truth(COMMUNITY, "unanswered", detail="question 3 not addressed")]
    if shape == "further":
        e1, e3 = f"{w1} {r1} on our wards", f"a further {w3} in the community teams"
        text = f"We have {e1} and {e3}; our discharge protocol is attached."
    elif shape == "employs":
        e1, e3 = f"{w1} {r1} who work with inpatients", f"{w3} who work with our community teams"
        text = (f"The Trust employs {e1}, and {e3}. A copy of the {ctx.policy.title} is "
                "attached.")
    elif shape == "based":
        e1, e3 = f"{n1} {r1} based on our inpatient wards", f"{n3} based in the community"
        text = (f"In answer to your questions, there are {e1} and {e3}, and the relevant "
                "protocol is attached to this email.")
    elif shape == "total":
        total = n1 + n3
        e1, e3 = f"{w1} of whom work on our wards", f"{total} {role(2, ctx.rng)} in total"
        text = (f"There are {e3}, {e1}; the others support people in the community. The "
                "Trust's discharge protocol is attached.")
        return text, [Truth(INPATIENT, "answered", str(n1), e1), provided,
                      Truth(COMMUNITY, "answered", str(n3), e3,
                            detail=f"{total} in total, {n1} on the wards")]
    elif shape == "zero_wards":
        e1 = "does not employ specialist housing staff on its wards"
        e3, e2 = f"has {w3} {r3} in the community", "we do not have a separate discharge protocol"
        text = f"The Trust {e1}, but {e3}; {e2} for homeless patients."
        return text, [Truth(INPATIENT, "answered", "0", e1),
                      Truth(POLICY, "not_held", "", e2, detail="no separate protocol"),
                      Truth(COMMUNITY, "answered", str(n3), e3)]
    else:
        both, e2 = ("no specialist housing staff either on our wards or in the community",
                    "there is no specific protocol")
        text = (f"We have {both}, and {e2}; discharge of homeless patients follows the Trust's "
                "general Discharge Policy.")
        return text, [Truth(INPATIENT, "answered", "0", both),
                      Truth(POLICY, "not_held", "", e2, detail="no separate protocol"),
                      Truth(COMMUNITY, "answered", "0", both)]
    return text, [Truth(INPATIENT, "answered", str(n1), e1), provided,
                  Truth(COMMUNITY, "answered", str(n3), e3)]


def one_paragraph(ctx: Ctx) -> Draft:
    """Several questions answered in one paragraph, in the body or a letter."""
    text, truths = _paragraph(ctx)
    if ctx.chance(0.6):
        draft = Draft(body=email_text(ctx, [received_sentence(ctx), text]), truths=truths)
    else:
        filename = letter_filename(ctx, ctx.pick(["pdf", "docx"]))
        truths = [t if t.where != BODY else replace(t, where=LETTER, anchor="all")
                  for t in truths]
        doc = letter_doc(ctx, [Para(text, anchor="all")], filename=filename)
        draft = Draft(body=cover_note(ctx), truths=truths,
                      attachments=[Attachment(LETTER, filename, doc,
                                              filename.rpartition(".")[2])])
    if any(t.where == POLICY_DOC for t in truths):
        draft.attachments.append(policy_attachment(ctx))
    return draft


# ---- qa_table -------------------------------------------------------------------------

def qa_table(ctx: Ctx) -> Draft:
    """The answers are in an attached table of Question | Response; the email is two lines."""
    answers = {
        INPATIENT: plain_count(ctx, INPATIENT, draw_count(ctx), ward(ctx)),
        POLICY: ctx.rng.choice([q2_provided, q2_provided, q2_not_held])(ctx),
        COMMUNITY: plain_count(ctx, COMMUNITY, draw_count(ctx), community(ctx)),
    }
    wide = ctx.chance(0.4)
    header = ("No.", "Question", "Response") if wide else ctx.rng.choice(
        [("Question", "Response"), ("Request", "Trust Response"), ("Question", "Answer")])
    rows = [(str(q.number), q.text, text_of(answers[q.key][0])) if wide
            else (f"{q.number}. {q.text}", text_of(answers[q.key][0])) for q in QUESTIONS]
    widths = (0.08, 0.52, 0.40) if wide else (0.56, 0.44)
    extension = ctx.pick(["docx", "pdf"])
    ref = ctx.voice.our_ref.replace("/", "-")
    filename = ctx.pick([f"{ref} Response.{extension}",
                         f"FOI {ref} - Questions and Responses.{extension}",
                         f"{ctx.letter.reference} - Trust response.{extension}"])
    middle = [Para(ctx.pick(["Our response to each question is set out in the table below.",
                             "Please see the Trust's responses in the table below."])),
              Grid((header, *rows), anchor="qa", widths=widths)]
    truths = [t if t.where != BODY else replace(t, where="qa", anchor="qa")
              for _, t in (answers[q.key] for q in QUESTIONS)]
    draft = Draft(body=cover_note(ctx, two_lines=True), truths=truths,
                  attachments=[Attachment("qa", filename,
                                          letter_doc(ctx, middle, filename=filename),
                                          extension)])
    if any(t.where == POLICY_DOC for t in truths):
        draft.attachments.append(policy_attachment(ctx))
    return draft
