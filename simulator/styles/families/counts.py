"""Families about how a count is written: words, multipliers, suppressed, hedged."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from simulator.styles.compose import Answer, Ctx, Draft, numbered_reply
from simulator.styles.families.common import (
    community,
    container,
    draw_count,
    q2_any,
    ward,
)
from simulator.styles.layout import Block, Bullets, Grid, Para
from simulator.styles.model import Truth
from simulator.styles.prose import (
    BANDS,
    BOROUGHS,
    COUNCILS,
    SITES,
    act_section40,
    cap,
    role,
    words,
)
from simulator.styles.questions import COMMUNITY, INPATIENT, POLICY


def _two_counts(ctx: Ctx, write: Callable[[Ctx, str, str], Answer]) -> dict[str, Answer]:
    """Q1 and Q3 written by `write(ctx, key, setting)`, Q2 by the usual mix."""
    answers = {INPATIENT: write(ctx, INPATIENT, ward(ctx)),
               COMMUNITY: write(ctx, COMMUNITY, community(ctx))}
    answers[POLICY] = q2_any(ctx)
    return answers


# ---- words_negatives ----------------------------------------------------------------

def _in_words(ctx: Ctx, key: str, setting: str) -> Answer:
    """A count in words, or a negative sentence meaning zero."""
    n = draw_count(ctx, zero=0.45)
    if n == 0:
        negatives = [
            ("Zero specialist professionals",
             f"Zero specialist professionals are employed {setting}."),
            ("We do not employ housing specialists",
             f"We do not employ housing specialists {setting}; housing issues are picked up by "
             "the patient's care coordinator."),
            ("The Trust does not have these roles", "The Trust does not have these roles."),
            ("None are currently specialists",
             "None are currently specialists – staff signpost patients to the local authority's "
             "housing options team."),
            ("Nil – the Trust has no such posts", "Nil – the Trust has no such posts."),
            ("No specialist housing staff are employed",
             f"No specialist housing staff are employed {setting}."),
            ("we do not have any dedicated housing workers",
             f"Unfortunately we do not have any dedicated housing workers {setting}."),
        ]
        evidence, text = negatives[ctx.rng.randrange(len(negatives))]
        return text, Truth(key, "answered", "0", evidence)
    w, roles, band = words(n), role(n, ctx.rng), ctx.pick(BANDS)
    positives = [
        (f"{cap(w)} {band} {roles}", f"{cap(w)} {band} {roles}."),
        (f"{w} {roles} in post", f"We currently have {w} {roles} in post {setting}."),
        (f"employs {w} dedicated {roles}", f"The Trust employs {w} dedicated {roles} {setting}."),
    ]
    if n == 1:
        positives.append(("one dedicated social worker",
                          f"There is one dedicated social worker who leads on housing {setting}."))
    else:
        senior = role(1, ctx.rng)
        positives.append((f"a team of {w} {roles}",
                          f"There is a team of {w} {roles} (one {senior} at {band} and "
                          f"{words(n - 1)} at Band 4) {setting}."))
    evidence, text = positives[ctx.rng.randrange(len(positives))]
    return text, Truth(key, "answered", str(n), evidence)


def words_negatives(ctx: Ctx) -> Draft:
    """Counts written in words, and zero written as a negative sentence."""
    return numbered_reply(ctx, _two_counts(ctx, _in_words), container(ctx))


# ---- multipliers_breakdowns -----------------------------------------------------------

_POSTS = (("Assistant Practitioner (Housing)", "Assistant Practitioners (Housing)"),
          ("Housing Officer", "Housing Officers"), ("Housing Link Worker", "Housing Link Workers"),
          ("Homelessness Lead", "Homelessness Leads"), ("Peer Support Worker (Housing)",
                                                        "Peer Support Workers (Housing)"))


def _breakdown(ctx: Ctx, key: str, setting: str) -> Answer:
    """A count as 'n x Post' lines, WTE, or one line per borough or site."""
    shape = ctx.pick(["multipliers", "wte_one", "wte", "areas", "posts_wte", "site_table"])
    if shape == "multipliers":
        picked = ctx.rng.sample(_POSTS, ctx.rng.randint(2, 3))
        counts = [ctx.rng.randint(1, 3) for _ in picked]
        items = tuple(f"{c} x {plural if c > 1 else singular}"
                      for c, (singular, plural) in zip(counts, picked, strict=True))
        total = sum(counts)
        blocks: list[Block] = [Para(f"The following posts support patients {setting}:"),
                               Bullets(items)]
        evidence = items[0]
        if ctx.chance(0.5):
            blocks.append(Para(f"Total: {total}"))
            evidence = f"Total: {total}"
        return blocks, Truth(key, "answered", str(total), evidence, detail="; ".join(items))
    if shape == "wte_one":
        text = f"{cap(setting)}: 1.0 WTE housing officer ({ctx.pick(BANDS)})."
        return text, Truth(key, "answered", "1.0", "1.0 WTE housing officer", acceptable=("1",))
    if shape == "wte":
        wte = ctx.pick(["2.6", "0.8", "1.5", "3.4", "4.2", "0.6"])
        text = f"The Trust employs {wte} WTE {role(2, ctx.rng)} {setting}."
        return text, Truth(key, "answered", wte, f"{wte} WTE")
    if shape == "areas":
        return _areas(ctx, key, setting)
    if shape == "posts_wte":
        n = ctx.rng.randint(2, 5)
        wte = Decimal(n) - Decimal(ctx.rng.randint(2, 9)) / 10
        text = f"There are {n} posts ({wte} WTE) {setting}."
        return text, Truth(key, "answered", str(n), f"{n} posts ({wte} WTE)",
                           acceptable=(str(wte),))
    sites = ctx.rng.sample(SITES, ctx.rng.randint(2, 4))
    wtes = [ctx.pick(["1.0", "0.8", "0.6", "1.0", "0.5"]) for _ in sites]
    total_wte = sum(Decimal(w) for w in wtes)
    rows = [("Site", "Post", "WTE"),
            *((s, role(1, ctx.rng).title(), w) for s, w in zip(sites, wtes, strict=True)),
            ("Total", f"{len(sites)} posts", str(total_wte))]
    detail = "; ".join(f"{s} {w}" for s, w in zip(sites, wtes, strict=True))
    return ([Para(f"Specialist housing posts {setting}:"), Grid(tuple(rows))],
            Truth(key, "answered", str(len(sites)), f"{len(sites)} posts",
                  acceptable=(str(total_wte),), detail=detail))


def _areas(ctx: Ctx, key: str, setting: str) -> Answer:
    """One line per borough or site, with a total; an area that did not say makes it partly."""
    areas = ctx.rng.sample(BOROUGHS if ctx.chance(0.5) else SITES, ctx.rng.randint(2, 4))
    counts: list[int | None] = [ctx.rng.randint(0, 3) for _ in areas]
    counts[0] = max(counts[0] or 0, 1)
    partly = len(areas) > 2 and ctx.chance(0.3)
    if partly:
        counts[-1] = None
    sep = ctx.pick([" – ", ": ", " - "])
    lines = [f"{area}{sep}{'not recorded' if c is None else c}"
             for area, c in zip(areas, counts, strict=True)]
    total = sum(c for c in counts if c is not None)
    blocks: list[Block] = [
        Para(f"The breakdown of specialist housing staff {setting} is as follows:"),
        Para("\n".join(lines))]
    evidence = lines[0]
    if not partly and ctx.chance(0.6):
        blocks.append(Para(f"Total{sep}{total}"))
        evidence = f"Total{sep}{total}"
    detail = "; ".join(f"{a} {'not recorded' if c is None else c}"
                       for a, c in zip(areas, counts, strict=True))
    return blocks, Truth(key, "partly" if partly else "answered", str(total), evidence,
                         detail=detail)


def multipliers_breakdowns(ctx: Ctx) -> Draft:
    """Counts as '3 x Post', WTE figures, and per-borough or per-site breakdowns."""
    return numbered_reply(ctx, _two_counts(ctx, _breakdown), container(ctx))


# ---- suppressed_ranges ----------------------------------------------------------------

def _fuzzy(ctx: Ctx, key: str, setting: str) -> Answer:
    """A count suppressed as '<5', or given as a range or an approximation."""
    shape = ctx.pick(["fewer", "lt5", "star", "approx", "range", "circa", "around"])
    s40 = ("s40(2)",)
    if shape == "fewer":
        return (f"Fewer than 5 staff {setting}. Please see the note on section 40(2) below.",
                Truth(key, "suppressed", "", "Fewer than 5 staff", sections=s40,
                      detail="fewer than 5"))
    if shape == "lt5":
        return ("<5 (see note below)",
                Truth(key, "suppressed", "", "<5 (see note below)", sections=s40,
                      detail="<5"))
    if shape == "star":
        return ("* (figure suppressed – see below)",
                Truth(key, "suppressed", "", "* (figure suppressed", sections=s40, detail="*"))
    if shape == "approx":
        n = ctx.rng.randint(8, 20)
        roles = role(2, ctx.rng)
        return (f"The Trust employs approximately {n} {roles} {setting}.",
                Truth(key, "answered", str(n), f"approximately {n} {roles}",
                      detail=f"approximately {n}"))
    if shape == "range":
        low = ctx.rng.randint(1, 4)
        high = low + ctx.rng.choice([2, 3])
        return (f"Between {low} and {high} {role(2, ctx.rng)}, depending on vacancies.",
                Truth(key, "answered", str(low), f"Between {low} and {high}",
                      detail=f"between {low} and {high}"))
    if shape == "circa":
        n = ctx.rng.randint(2, 6)
        return (f"c. {n} WTE {setting}.",
                Truth(key, "answered", str(n), f"c. {n} WTE", detail=f"c. {n} WTE"))
    n = ctx.rng.randint(3, 9)
    return (f"There are around {n} {role(2, ctx.rng)} {setting}.",
            Truth(key, "answered", str(n), f"around {n}", detail=f"around {n}"))


def suppressed_ranges(ctx: Ctx) -> Draft:
    """Small numbers suppressed under section 40(2); ranges and approximations."""
    answers = _two_counts(ctx, _fuzzy)
    after: list[Block] = []
    if any(t.status == "suppressed" for _, t in answers.values()):
        after.append(Para(ctx.pick([
            act_section40(),
            "* Numbers between 1 and 4 have been suppressed under section 40(2) of the Act, as "
            "they could identify individual members of staff.",
            "Please note where numbers are low we have indicated \u201c<5\u201d as we reasonably "
            "believe that release of precise figures could lead to the identification of "
            "individuals, in contravention of the Data Protection Act 2018 (section 40(2)).",
        ])))
    return numbered_reply(ctx, answers, container(ctx), after=after)


# ---- vacancies_caveats ----------------------------------------------------------------

def _hedged(ctx: Ctx, key: str, setting: str) -> Answer:
    """A count with the caveats trusts add: vacancies, adverts, secondees, WTE, dates."""
    shape = ctx.pick(["vacant", "advert", "funded", "seconded", "as_at", "fixed_term", "leave"])
    n = ctx.rng.randint(2, 4)
    roles = role(2, ctx.rng)
    year = ctx.voice.replied_at.year
    if shape == "vacant":
        sentence = f"The Trust has {n} {roles} posts {setting}, one of which is currently vacant"
        return f"{sentence}.", Truth(key, "answered", str(n - 1), sentence,
                                     acceptable=(str(n),), detail=f"{n} posts, 1 vacant")
    if shape == "advert":
        text = f"{n} (plus 1 post currently out to advert)"
        return text, Truth(key, "answered", str(n), text, detail="plus 1 post out to advert")
    if shape == "funded":
        funded = n + 1
        evidence = f"{funded} funded posts, of which {n} are filled"
        return (f"There are {evidence} {setting}.",
                Truth(key, "answered", str(n), evidence, acceptable=(str(funded),),
                      detail=f"{funded} funded, {n} filled"))
    if shape == "seconded":
        council = ctx.pick(COUNCILS)
        evidence = "the Trust does not directly employ any housing staff"
        return (f"The housing officer who works {setting} is employed by {council} and seconded "
                f"to the Trust; {evidence}.",
                Truth(key, "answered", "0", evidence, acceptable=("1",),
                      detail=f"1 seconded from {council}"))
    if shape == "as_at":
        wte = Decimal(n) - Decimal(ctx.rng.randint(1, 8)) / 10
        evidence = f"the Trust employed {n} {roles}"
        return (f"As at 31 March {year} {evidence} {setting} (headcount; {wte} WTE).",
                Truth(key, "answered", str(n), evidence, acceptable=(str(wte),),
                      detail=f"headcount {n}, {wte} WTE"))
    if shape == "fixed_term":
        one = role(1, ctx.rng)
        evidence = f"One fixed-term {one}"
        return (f"{evidence}, funded until March {year + 1} by the Mental Health Discharge Fund.",
                Truth(key, "answered", "1", evidence, detail="fixed-term"))
    evidence = f"{n} {roles}, one of whom is currently on maternity leave"
    return (f"{evidence} and covered by an agency worker.",
            Truth(key, "answered", str(n), evidence, detail="1 on leave, covered by agency"))


def vacancies_caveats(ctx: Ctx) -> Draft:
    """Counts hedged by vacancies, adverts, secondments, headcount and WTE."""
    return numbered_reply(ctx, _two_counts(ctx, _hedged), container(ctx))
