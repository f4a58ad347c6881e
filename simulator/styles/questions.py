"""The round-robin the styled replies answer: examples/mh-housing-staff.toml's questions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    """One numbered question of the housing-staff letter."""

    number: int
    key: str
    text: str
    type: str


INPATIENT = "inpatient_housing_staff"
POLICY = "discharge_protocol"
COMMUNITY = "community_housing_staff"

QUESTIONS = (
    Question(1, INPATIENT, "How many specialist housing staff (for example housing officers, "
             "housing link workers or homelessness leads) does the Trust employ to support "
             "inpatients with housing issues?", "count"),
    Question(2, POLICY, "Please provide a copy of the Trust's protocol or policy for "
             "discharging inpatients who are homeless or at risk of homelessness.", "document"),
    Question(3, COMMUNITY, "How many specialist housing staff does the Trust employ to support "
             "patients with housing issues in the community?", "count"),
)
BY_KEY = {q.key: q for q in QUESTIONS}
CAMPAIGN_ID = "mh-housing-staff"
REFERENCE_PREFIX = "MHH23"

# What our letter said around the questions: FOI officers quote it back, whole or in part.
LETTER_INTRO = ("Under the Freedom of Information Act 2000, please provide the following "
                "information.")
LETTER_DEFINITION = ("By specialist housing staff I mean staff whose main role is to help "
                     "patients with housing, not clinical staff who help with housing as part "
                     "of their wider duties.")
