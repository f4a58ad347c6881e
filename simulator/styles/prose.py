"""The words FOI officers reuse: numbers in words, job titles, boilerplate, the Act quoted."""

from __future__ import annotations

import random

from simulator.styles.voice import TrustVoice

_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# Specialist housing roles: (singular, plural).
ROLES = (
    ("housing officer", "housing officers"),
    ("housing link worker", "housing link workers"),
    ("homelessness lead", "homelessness leads"),
    ("housing and welfare adviser", "housing and welfare advisers"),
    ("accommodation officer", "accommodation officers"),
    ("Housing Liaison Officer", "Housing Liaison Officers"),
    ("housing support worker", "housing support workers"),
    ("homeless discharge coordinator", "homeless discharge coordinators"),
)
BANDS = ("Band 4", "Band 5", "Band 6", "Band 7")
SITES = (
    "Fieldhead Hospital", "The Becklin Centre", "Woodlands Unit", "Meadowbrook Unit",
    "Bluebell Ward", "Oak Ward", "Willow Ward", "Hazel Ward", "The Priory Unit", "Cedar House",
)
BOROUGHS = (
    "Hackney", "Newham", "Tower Hamlets", "City and Hackney", "Bedford", "Luton",
    "Wakefield", "Kirklees", "Calderdale", "Barnsley", "North Tyneside", "Sunderland",
    "Swindon", "Wiltshire", "Bath and North East Somerset",
)
COUNCILS = (
    "Riverside Borough Council", "Eastvale District Council", "Northgate City Council",
    "Westmoor District Council", "Kingsbridge Borough Council", "Ashford Vale Council",
    "Southmere County Council", "Harbourside City Council", "Fernley District Council",
)


def words(n: int) -> str:
    """A number below 100 in English words."""
    if n < 20:
        return _UNITS[n]
    tens, units = divmod(n, 10)
    return _TENS[tens - 2] + (f"-{_UNITS[units]}" if units else "")


def cap(text: str) -> str:
    """Upper-case the first letter only."""
    return text[:1].upper() + text[1:]


def role(n: int, rng: random.Random) -> str:
    """A specialist housing job title, plural unless n is 1."""
    singular, plural = rng.choice(ROLES)
    return singular if n == 1 else plural


def staff(n: int, rng: random.Random) -> str:
    """'2 housing link workers', 'one housing officer' (digits or words at random)."""
    number = str(n) if rng.random() < 0.5 else words(n)
    return f"{number} {role(n, rng)}"


# ---- boilerplate -------------------------------------------------------------------

def review_paragraphs(voice: TrustVoice, rng: random.Random) -> list[str]:
    """The internal review paragraph, in one of the ways trusts write it."""
    contact = rng.choice([
        f"the Head of Information Governance, {voice.name}, {', '.join(voice.address)}",
        f"{voice.email}", f"the {voice.team} at {voice.email}",
    ])
    months = rng.choice(["40 working days", "two months", "28 days", "8 weeks"])
    return [rng.choice([
        "If you are dissatisfied with the handling of your request, you have the right to ask "
        f"for an internal review. Internal review requests should be submitted within {months} "
        f"of the date of receipt of the response to your original letter and should be "
        f"addressed to: {contact}.",
        "If you are unhappy with the way in which we have handled your request, please contact "
        "me in the first instance. If you wish to make a formal complaint or request a review of "
        f"our decision, you should write to {contact}, quoting the reference above.",
        "If you feel your request has not been dealt with appropriately, you are entitled to "
        f"request an internal review. To request an internal review, please email {voice.email} "
        f"within {months} of this response, quoting the reference number above.",
        "Any appeal against this decision should be made in writing to the Chief Information "
        f"Officer, {voice.name}, {', '.join(voice.address)}. The decision will be reviewed and a "
        "response provided within 20 working days.",
    ])]


def ico_paragraphs(rng: random.Random) -> list[str]:
    """The Information Commissioner paragraph."""
    address = rng.choice([
        "Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire, "
        "SK9 5AF",
        "The Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire "
        "SK9 5AF. Tel: 0303 123 1113. Web: www.ico.org.uk",
    ])
    return [rng.choice([
        "If you are not content with the outcome of the internal review, you have the right to "
        f"apply directly to the Information Commissioner for a decision. The Information "
        f"Commissioner can be contacted at: {address}.",
        "If you remain dissatisfied following an internal review, you may take your complaint to "
        "the Information Commissioner under the provisions of section 50 of the Freedom of "
        "Information Act 2000. Please note that the Information Commissioner will not "
        f"investigate your case until the Trust's internal review process has been completed. "
        f"{address}.",
        "Generally, the ICO cannot make a decision unless you have exhausted the complaints "
        "procedure provided by the Trust. The Information Commissioner is the statutory "
        f"regulator for the Freedom of Information Act and can be contacted at: {address}.",
    ])]


def reuse_paragraphs(voice: TrustVoice, rng: random.Random) -> list[str]:
    """The copyright and re-use paragraph(s)."""
    return rng.choice([
        ["The information supplied to you continues to be protected by the Copyright, Designs "
         "and Patents Act 1988. You are free to use it for your own purposes, including any "
         "non-commercial research you are doing and for the purposes of news reporting. Any "
         "other re-use, for example commercial publication, would require the permission of "
         "the copyright holder."],
        [f"Please note that the information provided is the property of {voice.name} and "
         "subject to Intellectual Property and Database Rights. Any commercial application or "
         "use of this information may be subject to the provisions of the Re-use of Public "
         "Sector Information Regulations 2015."],
        ["If you wish to re-use the information supplied, in whole or in part, for any other "
         "purpose, please write to me stating what information you wish to re-use and the "
         "purpose(s). We will respond within 20 working days of receiving your request with "
         "any conditions and charges that relate to the re-use of the information."],
        [],
    ])


def extra_notes(voice: TrustVoice, rng: random.Random) -> list[str]:
    """The odd paragraphs some trusts add: disclosure log, marketing, accuracy, survey."""
    notes = [
        "In line with the Information Commissioner's directive on the disclosure of information "
        "under the Freedom of Information Act 2000, your request will form part of our "
        "disclosure log. Therefore, a version of our response, which will protect your "
        f"identity, will be posted on the {voice.name} website.",
        "Any contact details provided in this response are for the purposes of complying with "
        "the Freedom of Information Act 2000 and should not be taken as consent for their use "
        "in marketing or business communications.",
        "Please be aware that although this information is accurate at the time it is provided, "
        "it may not be in the future and should not be relied upon.",
        "We are monitoring how people making Freedom of Information requests are experiencing "
        "the process and would value your feedback. If you wish to provide feedback please "
        f"respond via the following link: https://www.surveymonkey.example/s/{voice.short}FOI",
    ]
    return rng.sample(notes, rng.randint(0, 2))


# ---- the Act, quoted ----------------------------------------------------------------

def act_section1() -> str:
    """The section 1 duty, as AWP-style letters open."""
    return ("Section 1(1) of the Freedom of Information Act 2000 (FOIA) entitles you to be "
            "provided with any information 'held' by a public authority. The Trust is not "
            "obliged to create information to respond to a request, only to provide information "
            "that is already held, unless an appropriate exemption applies.")


def act_section21(url: str) -> str:
    """A section 21 explanation pointing at a web page."""
    return ("Section 21 of the Freedom of Information Act 2000 provides that information which "
            "is reasonably accessible to the applicant otherwise than under section 1 is exempt "
            "information. This is an absolute exemption and the public interest test does not "
            f"apply. The information is available at {url}.")


def act_section40() -> str:
    """A section 40(2) explanation of small-number suppression."""
    return ("Section 40(2) of the Act provides that personal data about third parties is exempt "
            "if disclosure would breach the data protection principles. Where numbers are low "
            "(fewer than 5) there is a risk that individuals could be identified, and we have "
            "therefore not disclosed the exact figure.")


def act_section12() -> str:
    """The cost limit, quoted as boilerplate."""
    return ("Under section 12 of the Act a public authority is not obliged to comply with a "
            "request if the cost of compliance would exceed the appropriate limit of £450, which "
            "represents 18 hours of work at £25 per hour. Under section 16 we have a duty to "
            "provide advice and assistance.")


def act_section17() -> str:
    """The refusal-notice sentence."""
    return ("This letter acts as a refusal notice under section 17 of the Freedom of "
            "Information Act 2000 for the part of your request to which an exemption applies.")
