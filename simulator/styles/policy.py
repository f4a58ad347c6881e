"""The discharge policy trusts attach: contents, sections, numbers that are never staff counts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from simulator.styles.layout import Grid
from simulator.styles.prose import COUNCILS
from simulator.styles.render_pdf import (
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TEXT_WIDTH,
    Anchor,
    build,
    grid_table,
    markup,
    styles,
)

TITLES = (
    "Discharge of Inpatients who are Homeless or at Risk of Homelessness Policy",
    "Homeless Discharge Protocol",
    "Protocol for the Discharge of Homeless Patients from Mental Health Inpatient Wards",
    "Duty to Refer and Hospital Discharge Protocol",
    "Inpatient Discharge and Transfer Policy (including patients with no fixed abode)",
    "Hospital Discharge Protocol for People who are Homeless",
)


@dataclass(frozen=True)
class Section:
    """A numbered section: its heading and paragraphs (subsections are numbered in text)."""

    number: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    table: Grid | None = None


@dataclass(frozen=True)
class Policy:
    """One trust's discharge policy document."""

    trust: str
    trust_short: str
    title: str
    filename: str
    short: str
    code: str
    version: str
    approved: date
    review: date
    sections: tuple[Section, ...]
    header: str
    footer_style: str


@lru_cache(maxsize=256)
def trust_policy(seed: int, authority_id: str, trust: str, trust_short: str) -> Policy:
    """The policy a trust attaches, the same in every reply it sends for one seed."""
    return draw_policy(trust, trust_short, random.Random(f"{seed}:{authority_id}:policy"))


def draw_policy(trust: str, trust_short: str, rng: random.Random,
                written_before: date = date(2023, 1, 1)) -> Policy:
    """Write one trust's policy: the same skeleton, its own numbers and wording."""
    title = rng.choice(TITLES)
    code = rng.choice(["CLIN", "CP", "OP", "MH", "NCP"]) + f"-{rng.randint(3, 140):02d}"
    version = f"{rng.randint(2, 5)}.{rng.randint(0, 3)}"
    approved = written_before - timedelta(days=rng.randint(30, 1400))
    review = approved.replace(year=approved.year + rng.choice([2, 3]))
    short = rng.choice(["Discharge Policy - Homeless Inpatients", "Homeless Discharge Protocol",
                        f"{code} Discharge of Homeless Patients", "Duty to Refer Protocol"])
    filename = f"{short} v{version}.pdf" if rng.random() < 0.6 else f"{short} {approved.year}.pdf"
    sections = _sections(trust, rng, version, approved)
    header = rng.choice([trust, f"{trust_short} {code}", title])
    return Policy(trust, trust_short, title, filename, short, code, version, approved, review,
                  sections, header, rng.choice(["page_of", "version_line", "both"]))


def _sections(trust: str, rng: random.Random, version: str,
              approved: date) -> tuple[Section, ...]:
    """The policy's sections, numbered in order."""
    ri = rng.randint
    admit_hours = rng.choice([24, 48, 72])
    plan_days = rng.choice([5, 7, 10, 14])
    audit = rng.choice([10, 20, 25, 30])
    target = rng.choice([85, 90, 95])
    training_years = rng.choice([2, 3])
    minutes = rng.choice([30, 45, 60])
    raw = [
        ("Introduction", (
            f"{trust} is committed to ensuring that no person is discharged from one of its "
            "inpatient units to the street. National data show that around 1 in 10 people "
            "admitted to acute mental health wards have no settled accommodation on admission.",
            "This policy replaces version " + _previous(version) + " and should be read with the "
            "Trust's Care Programme Approach Policy, the Section 117 Aftercare Policy and the "
            f"Safeguarding Adults Policy (CLIN-{ri(10, 99)}).",
        )),
        ("Purpose", (
            "The purpose of this policy is to set out the steps staff must take from the point "
            "of admission to identify patients who are homeless or threatened with homelessness, "
            "to refer them to the local housing authority and to plan a safe discharge.",
        )),
        ("Scope", (
            "This policy applies to all adult and older adult inpatient wards, psychiatric "
            f"intensive care units and the {ri(2, 9)} rehabilitation units run by the Trust. It "
            "applies to patients aged 18 and over; for young people aged 16 and 17 see section "
            "7.7.",
        )),
        ("Roles and Responsibilities", (
            "Chief Executive|"
            "The Chief Executive has overall responsibility for the implementation of this "
            "policy and delegates it to the Director of Nursing.",
            "Ward Managers|"
            "Ward Managers ensure that the accommodation status of every patient is recorded "
            f"within {admit_hours} hours of admission and reviewed at each weekly "
            "multidisciplinary team meeting.",
            "Responsible Clinicians|"
            "The Responsible Clinician agrees the expected date of discharge no later than "
            f"day {ri(3, 7)} of the admission.",
            "Care Coordinators|"
            "Care Coordinators lead discharge planning with the patient, their family or "
            "carers and the local housing authority.",
            "Housing Link Workers and Homelessness Leads|"
            "Where a housing link worker or homelessness lead is available to the ward, they "
            "advise staff on housing law and liaise with housing options teams; they do not hold "
            "a caseload.",
        )),
        ("Definitions", (
            "Homeless: a person who has no accommodation available in the UK or abroad that they "
            "are entitled to occupy and that it is reasonable for them to continue to occupy.",
            "Threatened with homelessness: a person who is likely to become homeless within 56 "
            "days, including a person served with a valid notice under section 21 of the Housing "
            "Act 1988 that expires within 56 days.",
            "No fixed abode (NFA): a person who has no settled address on admission.",
        )),
        ("Legal Framework", (
            "Section 213B of the Housing Act 1996, inserted by section 10 of the Homelessness "
            "Reduction Act 2017, places a duty on specified public authorities, including NHS "
            "trusts providing inpatient care, to refer service users who they think may be "
            "homeless or threatened with homelessness to a housing authority of their choice, "
            "with their consent. The duty came into force on 1 October 2018.",
            "Patients detained under section 3 or section 37 of the Mental Health Act 1983 are "
            "entitled to aftercare under section 117 on discharge. Section 9 of the Care Act 2014 "
            "requires a needs assessment where a patient may have care and support needs.",
        )),
        ("Procedure", (
            "On Admission|The admitting nurse completes the accommodation section of the "
            f"admission checklist within {admit_hours} hours.",
            "Duty to Refer|Where a patient is homeless or threatened with homelessness, the "
            f"named nurse makes a referral within {ri(1, 3)} working days, with consent, using "
            "the local authority's online form (Appendix A).",
            f"Planning Discharge|At least {plan_days} days before the expected date of "
            "discharge, the ward confirms the accommodation the patient will go to.",
            "Section 17 Leave|Where leave is granted to view accommodation, the leave form "
            "records the address and times.",
            "Delayed Discharge|A patient who is medically fit for discharge but has nowhere "
            f"to go is reported on the daily {ri(9, 11)}am bed management call and escalated "
            f"after {ri(2, 5)} days to the Head of Patient Flow.",
            "Out of Area Patients|Where a patient's home authority is elsewhere, the ward "
            "contacts that authority within 2 working days.",
            "Young People|16- and 17-year-olds are referred to children's services; care "
            "leavers aged 18 to 25 are entitled to support from their leaving care team.",
        )),
        ("No Recourse to Public Funds", (
            "Patients with no recourse to public funds are referred to the local authority's "
            f"NRPF team; advice is available on 0{ri(1000, 9999)} {ri(100000, 999999)}.",
        )),
        ("Training and Support", (
            "All registered nurses on inpatient wards complete the "
            f"{minutes}-minute Duty to Refer e-learning module every {training_years} years. "
            "Compliance is reported monthly to the Workforce Committee.",
        )),
        ("Discharge Planning Meetings", (
            "First Meeting|"
            f"The first discharge planning meeting takes place within {ri(7, 14)} days of "
            "admission and includes the patient's housing officer from the local authority "
            "where one has been allocated.",
            "Follow-up|"
            "Every patient discharged from an inpatient ward is followed up within 72 hours, in "
            "line with the national standard; patients discharged to temporary accommodation "
            f"are followed up again at day {ri(7, 14)}.",
            "Escalation|"
            f"Where no accommodation has been found {ri(3, 7)} days before the expected date of "
            "discharge, the ward manager escalates to the Associate Director of Social Care.",
        )),
        ("Equality Impact Assessment", (
            "An equality impact assessment was completed on "
            f"{approved.day} {approved:%B %Y}. No adverse impact was identified for any of the "
            "9 protected characteristics of the Equality Act 2010. People from Black and "
            f"minority ethnic groups are around {rng.choice([2, 3, 4])} times as likely to be "
            "detained under the Mental Health Act 1983 and the policy asks wards to record "
            "ethnicity on every referral.",
        )),
        ("Monitoring Compliance", (
            f"The Clinical Audit team will audit {audit} sets of case notes each quarter. The "
            f"target is that {target}% of patients have their accommodation status recorded "
            f"within {admit_hours} hours.",
        )),
        ("References", (
            "Ministry of Housing, Communities and Local Government (2018) A guide to the duty to "
            "refer. Department of Health and Social Care (2022) Hospital discharge and community "
            "support guidance. NICE guideline NG53 (2016).",
        )),
    ]
    sections = [Section(str(n), heading, _numbered(n, paragraphs))
                for n, (heading, paragraphs) in enumerate(raw, start=1)]
    sections.append(Section("Appendix A", "Duty to Refer Checklist", (), Grid((
        ("Step", "Action", "Timescale"),
        ("1", "Record accommodation status", f"Within {admit_hours} hours"),
        ("2", "Seek consent to refer", "At the first review"),
        ("3", "Refer to housing authority", f"Within {ri(1, 3)} working days"),
        ("4", "Confirm address for discharge", f"{plan_days} days before discharge"),
    ), widths=(0.12, 0.58, 0.30))))
    history = [(f"{v}.0", f"{approved.year - 4 + v}", rng.choice(
        ["New protocol", "Reviewed", "Updated for Homelessness Reduction Act 2017",
         "Minor amendments"])) for v in range(1, 4)]
    councils = rng.sample(COUNCILS, rng.randint(3, 6))
    sections.append(Section("Appendix B", "Local Housing Authority Contacts", (), Grid(
        (("Housing authority", "Housing options telephone", "Out of hours"),
         *((name, f"0{ri(1200, 1999)} {ri(100, 999)} {ri(1000, 9999)}",
            f"0{ri(3000, 3999)} {ri(100, 999)} {ri(1000, 9999)}") for name in councils)),
        widths=(0.46, 0.27, 0.27))))
    sections.append(Section("Appendix C", "Version Control", (), Grid(
        (("Version", "Year", "Changes"), *history, (version, str(approved.year), "Current")),
        widths=(0.18, 0.18, 0.64))))
    return tuple(sections)


def _numbered(section: int, paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """Number the sub-headed paragraphs ('Title|text') of a section: '4.2 Title|text'."""
    out, n = [], 0
    for paragraph in paragraphs:
        if "|" in paragraph:
            n += 1
            paragraph = f"{section}.{n} {paragraph}"
        out.append(paragraph)
    return tuple(out)


def _previous(version: str) -> str:
    """The version a policy replaced."""
    major, minor = version.split(".")
    return f"{major}.{int(minor) - 1}" if int(minor) else f"{max(int(major) - 1, 1)}.3"


class _TocLine(Flowable):
    """A contents line; `_draw_toc_numbers` adds its dots and page number after layout."""

    def __init__(self, text: str, target: str, size: float, indent: float,
                 lines: list[tuple[int, float, float, str, str, float]]):
        super().__init__()
        self.text, self.target, self.size, self.indent, self.lines = (
            text, target, size, indent, lines)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return TEXT_WIDTH, self.size * 1.6

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont("Helvetica", self.size)
        canvas.drawString(self.indent, 0, self.text)
        x, y = canvas.absolutePosition(0, 0)
        end = x + self.indent + stringWidth(self.text + " ", "Helvetica", self.size)
        self.lines.append((canvas.getPageNumber(), end, y, self.target, self.text, self.size))


def _draw_toc_numbers(canvas: Canvas, page: int, pages: dict[str, int],
                      lines: list[tuple[int, float, float, str, str, float]]) -> None:
    """Dotted leaders and right-aligned page numbers for the contents lines of a page."""
    for on_page, start, y, target, _text, size in lines:
        if on_page != page:
            continue
        number = str(pages.get(target, 0))
        canvas.setFont("Helvetica", size)
        right = MARGIN + TEXT_WIDTH
        canvas.drawRightString(right, y, number)
        room = right - stringWidth(" " + number, "Helvetica", size) - start
        canvas.drawString(start, y, "." * max(3, int(room / stringWidth(".", "Helvetica", size))))


@lru_cache(maxsize=64)
def render_policy(policy: Policy) -> bytes:
    """The policy as a PDF: cover, contents with page numbers, sections, headers, footers."""
    pages: dict[str, int] = {}
    toc: list[tuple[int, float, float, str, str, float]] = []
    flow = _policy_flow(policy, pages, toc)

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        _draw_toc_numbers(canvas, page, pages, toc)
        canvas.setFont("Helvetica", 8)
        if page > 1:
            canvas.drawString(MARGIN, PAGE_HEIGHT - 12 * mm, policy.header)
            canvas.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 12 * mm,
                                   f"Version {policy.version}")
        review = f"{policy.review:%B %Y}"
        if policy.footer_style in ("version_line", "both"):
            name = policy.short if policy.code in policy.short else f"{policy.code} {policy.short}"
            canvas.drawString(MARGIN, 10 * mm,
                              f"{name} | v{policy.version} | Review date: {review}")
        if policy.footer_style in ("page_of", "both"):
            canvas.drawRightString(PAGE_WIDTH - MARGIN, 6 * mm, f"Page {page} of {total}")
        else:
            canvas.drawRightString(PAGE_WIDTH - MARGIN, 6 * mm, str(page))
        canvas.restoreState()

    return build(flow, title=policy.title, author=policy.trust, decorate=decorate)


def _policy_flow(policy: Policy, pages: dict[str, int],
                 toc: list[tuple[int, float, float, str, str, float]]) -> list[Flowable]:
    """The flowables of the policy; anchors fill `pages`, contents lines fill `toc`."""
    style = styles("Helvetica", 11)
    cover = Grid((
        ("Policy number", policy.code), ("Version", policy.version),
        ("Approved by", "Quality and Safety Committee"),
        ("Date approved", f"{policy.approved.day} {policy.approved:%B %Y}"),
        ("Review date", f"{policy.review:%B %Y}"),
        ("Author", "Head of Social Work and Safeguarding"),
        ("Target audience", "All staff working on inpatient wards"),
    ), header=False, widths=(0.35, 0.65))
    flow: list[Flowable] = [
        Spacer(1, 30 * mm),
        Paragraph(markup(policy.trust), style["right"]),
        Spacer(1, 20 * mm),
        Paragraph(markup(policy.title), style["heading"]),
        Spacer(1, 10 * mm),
        grid_table(cover, style),
        PageBreak(),
        Paragraph("Contents", style["heading"]),
    ]
    for section in policy.sections:
        flow.append(_TocLine(_label(section, " "), section.number, 10, 0, toc))
        for sub, _text in _subsections(section):
            if sub:
                flow.append(_TocLine(sub, sub.split()[0], 9, 8 * mm, toc))
    flow += [PageBreak(), Paragraph("Policy at a Glance", style["heading"])]
    flow += [Paragraph(markup(point), style["bullet"], bulletText="•")
             for point in _glance(policy)]
    flow.append(PageBreak())
    for section in policy.sections:
        if not section.number[0].isdigit() and section.number.endswith("A"):
            flow.append(PageBreak())
        heading = Paragraph(markup(_label(section, ". ")), style["heading"])
        body: list[list[Flowable]] = []
        for sub, text in _subsections(section):
            paragraph = Paragraph(markup(text), style["normal"])
            if sub:
                body.append([Anchor(sub.split()[0], pages),
                             Paragraph(markup(sub), style["bold"]), paragraph])
            else:
                body.append([paragraph])
        if section.table is not None:
            body.append([grid_table(section.table, style)])
        first = body[0] if body else []
        flow.append(KeepTogether([Anchor(section.number, pages), heading, *first]))
        flow += [KeepTogether(part) if len(part) > 1 else part[0] for part in body[1:]]
    return flow


def _glance(policy: Policy) -> list[str]:
    """The summary page: the policy's key timescales restated in short bullets."""
    points = []
    for section in policy.sections:
        for sub, text in _subsections(section):
            if sub and any(ch.isdigit() for ch in text):
                points.append(f"{text} (see {sub.split()[0]})")
    return points[:8]


def _label(section: Section, separator: str) -> str:
    """A section's heading with its number: '4. Roles', 'Appendix A: Checklist'."""
    if section.number[0].isdigit():
        return f"{section.number}{separator}{section.heading}"
    return f"{section.number}: {section.heading}"


def _subsections(section: Section) -> list[tuple[str, str]]:
    """(sub-heading, text) for each paragraph; the sub-heading is '' for plain paragraphs."""
    parts = []
    for paragraph in section.paragraphs:
        sub, bar, text = paragraph.partition("|")
        parts.append((sub, text) if bar else ("", paragraph))
    return parts
