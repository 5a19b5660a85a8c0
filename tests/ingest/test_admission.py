"""The byte budget of request bodies: others' bytes count, a request alone always passes."""

from __future__ import annotations

import pytest

from ingest import admission, errors


def test_budget_refuses_growth_only_while_others_hold_bytes():
    budget = admission.Budget(100, factor=1)
    with budget.ticket() as alone:
        alone.grow(60)
        alone.grow(500)  # over the budget, but nobody else holds anything
        assert budget.used == 560
    assert budget.used == 0
    with budget.ticket() as first, budget.ticket() as second:
        first.grow(70)
        second.grow(30)
        with pytest.raises(errors.Overloaded) as refused:
            second.grow(1)
        assert refused.value.retry_after == admission.RETRY_AFTER_S
        assert budget.used == 100
        first.release()
        second.grow(50)
    assert budget.used == 0


def test_a_body_holds_its_decoded_estimate_and_a_declared_length_is_held_at_once():
    budget = admission.Budget(100 * admission.DECODED_FACTOR)
    with budget.ticket() as first, budget.ticket() as second:
        first.reserve(60)                       # Content-Length: 60
        assert budget.used == 60 * admission.DECODED_FACTOR
        first.grow(40)
        first.grow(20)                          # read 60: all of it reserved already
        assert budget.used == 60 * admission.DECODED_FACTOR
        first.grow(10)                          # more than declared (decompressed)
        assert budget.used == 70 * admission.DECODED_FACTOR
        with pytest.raises(errors.Overloaded):
            second.reserve(31)
        second.grow(30)
        assert budget.used == 100 * admission.DECODED_FACTOR
    assert budget.used == 0
