"""The reply styles: each family writes one way real FOI officers answer, with its truth."""

from __future__ import annotations

from collections.abc import Callable

from simulator.styles.compose import Ctx, Draft
from simulator.styles.families.counts import (
    multipliers_breakdowns,
    suppressed_ranges,
    vacancies_caveats,
    words_negatives,
)
from simulator.styles.families.formats import html_body, scanned
from simulator.styles.families.layouts import (
    answer_in_body,
    one_paragraph,
    qa_table,
    toc_policy,
    unnumbered_restatement,
)
from simulator.styles.families.references import (
    act_quotes,
    all_staff_trap,
    corrected_reply,
    cross_reference,
    not_held_reasons,
)

Family = Callable[[Ctx], Draft]

# In the order replies cycle through them.
FAMILIES: dict[str, Family] = {
    "toc_policy": toc_policy,
    "words_negatives": words_negatives,
    "multipliers_breakdowns": multipliers_breakdowns,
    "not_held_reasons": not_held_reasons,
    "all_staff_trap": all_staff_trap,
    "answer_in_body": answer_in_body,
    "unnumbered_restatement": unnumbered_restatement,
    "cross_reference": cross_reference,
    "one_paragraph": one_paragraph,
    "act_quotes": act_quotes,
    "suppressed_ranges": suppressed_ranges,
    "qa_table": qa_table,
    "scanned": scanned,
    "html_body": html_body,
    "corrected_reply": corrected_reply,
    "vacancies_caveats": vacancies_caveats,
}
