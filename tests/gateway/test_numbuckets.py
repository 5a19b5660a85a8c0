"""The bucket tokens of a range (gateway.numbuckets) cover every number in it as the
migration's otel_number_tokens indexes it, around decade edges, signs and the clamps."""

from __future__ import annotations

import decimal
import json
import random

import pytest

from gateway import numbuckets

pytestmark = pytest.mark.db


def _numbers(rng: random.Random) -> list[int | float]:
    edges = [10.0 ** e for e in range(-22, 23)] + [2**63 - 1, -(2**63), 0, 0.0]
    out: list[int | float] = []
    for edge in edges:
        for scale in (1, 1 - 1e-15, 1 + 1e-15, 0.999, 1.001):
            out += [edge * scale, -edge * scale]
    out += [rng.uniform(-1e6, 1e6) for _ in range(100)]
    out += [rng.randint(-(2**63), 2**63 - 1) for _ in range(50)]
    out += [rng.choice((1, -1)) * 10 ** rng.uniform(-25, 25) for _ in range(100)]
    return out


def test_range_tokens_cover_the_indexed_numbers(sql, migrated_schema) -> None:
    rng = random.Random(5)
    numbers = _numbers(rng)
    attributes = [{"k": {"intValue": str(n)} if isinstance(n, int) else {"doubleValue": n}}
                  for n in numbers]
    sql.execute(f'SET search_path TO "{migrated_schema}"')
    rows = sql.execute("SELECT otel_number_tokens(a::jsonb) FROM unnest(%s::text[]) AS a",
                       ([json.dumps(a) for a in attributes],)).fetchall()
    indexed = [set(r[0]) for r in rows]
    assert all(indexed)
    exact = [decimal.Decimal(n if isinstance(n, int) else repr(n)) for n in numbers]
    bounds = [*rng.sample(exact, 60), None]
    checked = 0
    for lo in bounds:
        for hi in rng.sample(bounds, 8):
            tokens = set(numbuckets.tokens("k", lo, hi))
            for value, found in zip(exact, indexed, strict=True):
                if (lo is None or value >= lo) and (hi is None or value <= hi):
                    assert found & tokens, (lo, hi, value)
                    checked += 1
    assert checked > 1000


def test_narrow_ranges_name_few_buckets() -> None:
    assert numbuckets.tokens("k", 5, 4) == []
    assert len(numbuckets.tokens("k", 0.999, None)) < 30
    assert len(numbuckets.tokens("k", None, None)) < 100
    assert "k\x1f0" in numbuckets.tokens("k", -1, 1)
    assert "k\x1f0" not in numbuckets.tokens("k", 1, 2)
