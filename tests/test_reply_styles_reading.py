"""The reader on each family of generated replies in real styles (simulator.styles), scored
against the labels the generator wrote; a different seed from the one the reader was
developed against, so the phrasing combinations are new to it."""

from __future__ import annotations

import pytest

from extract.judging.confidence import review_threshold
from simulator.styles import FAMILIES
from tests.corpora import LABELLED_SETS, generated_replies, score

SEED = 11
PER_FAMILY = 8
# Families whose replies interleave several questions in one sentence or one restated question
# are read less often; what is read must still be right, the rest goes to review.
LOWER_BAR = {"unnumbered_restatement": 0.6, "one_paragraph": 0.8}


@pytest.fixture(scope="module")
def questions():
    return LABELLED_SETS["generated-housing"][1]


# scanned replies are read by OCR: a minute or so until the corpus cache holds them
@pytest.mark.parametrize("family", [
    pytest.param(f, marks=pytest.mark.long_running(35)) if f == "scanned" else f
    for f in FAMILIES])
def test_each_style_is_read_right_and_sure_only_when_right(family: str, questions) -> None:
    replies = generated_replies(seed=SEED, families=[family], limit=PER_FAMILY)
    scores = score(family, replies, questions, review_threshold())
    assert scores.answers == 3 * PER_FAMILY
    assert scores.right / scores.answers >= LOWER_BAR.get(family, 0.85), scores.errors
    assert scores.located / scores.answers >= LOWER_BAR.get(family, 0.85), scores.errors
    if scores.auto:
        assert scores.auto_right / scores.auto >= 0.9, scores.errors
