"""The reader on real replies, scored against labels a person wrote by reading them."""

from __future__ import annotations

import pytest

from extract.judging.confidence import review_threshold
from tests.conftest import shared_path
from tests.corpora import CORPORA, score


@pytest.fixture(scope="module")
def mh_scores():
    shared_path("corpus", "mh-accommodation-2021")
    load, questions = CORPORA["mh-accommodation-2021"]
    return score("mh", load(), questions, review_threshold())


@pytest.fixture(scope="module")
def cipfa_scores():
    shared_path("corpus", "cipfa-libraries-2017")
    load, questions = CORPORA["cipfa-libraries-2017"]
    return score("cipfa", load(), questions, review_threshold())


def test_accommodation_returns_read_right_and_located(mh_scores) -> None:
    assert mh_scores.answers == 63
    assert mh_scores.right / mh_scores.answers >= 0.85, mh_scores.errors
    assert mh_scores.located / mh_scores.answers >= 0.8, mh_scores.errors
    assert mh_scores.outcomes_right / mh_scores.outcomes >= 0.8, mh_scores.errors


def test_auto_accepted_answers_are_right_at_least_95_percent(mh_scores, cipfa_scores) -> None:
    auto = mh_scores.auto + cipfa_scores.auto
    right = mh_scores.auto_right + cipfa_scores.auto_right
    assert auto >= 40  # a threshold that sends everything to review would pass trivially
    assert right / auto >= 0.95, mh_scores.errors + cipfa_scores.errors


def test_library_replies_read_right(cipfa_scores) -> None:
    assert cipfa_scores.answers == 18
    assert cipfa_scores.right / cipfa_scores.answers >= 0.85, cipfa_scores.errors
