"""Quantile estimates from histogram buckets, as Prometheus' histogram_quantile makes them,
kept inside the recorded min and max."""

from __future__ import annotations

import pytest

from gateway.metrics import buckets

# the OpenTelemetry SDK's default explicit bounds, meant for milliseconds
SDK_DEFAULT = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]


def estimate(bounds, counts, q, low=None, high=None):
    return buckets.quantile(buckets.explicit(bounds, counts, low, high), q, low, high)


def test_seconds_in_millisecond_buckets_stay_within_the_recorded_max():
    counts = [0, 100] + [0] * 14  # 100 requests of 1-9 ms, all in (0, 5]
    assert estimate(SDK_DEFAULT, counts, 0.99) == pytest.approx(4.95)  # unknown min/max
    assert estimate(SDK_DEFAULT, counts, 0.99, 0.001, 0.009) == 0.009
    assert estimate(SDK_DEFAULT, counts, 0.0, 0.001, 0.009) == 0.001


def test_linear_within_the_bucket():
    bounds, counts = [1, 2, 4], [0, 10, 10, 0]
    assert estimate(bounds, counts, 0.5) == pytest.approx(2.0)
    assert estimate(bounds, counts, 0.75) == pytest.approx(3.0)
    assert estimate(bounds, counts, 0.25) == pytest.approx(1.5)


def test_lowest_bucket_starts_at_zero_or_the_min():
    assert estimate([10, 20], [10, 0, 0], 0.5) == pytest.approx(5.0)
    assert estimate([10, 20], [10, 0, 0], 0.5, low=6.0, high=10.0) == pytest.approx(8.0)
    # a lowest bucket that ends at or below zero has no other value to give
    assert estimate([-1, 5], [4, 0, 0], 0.5) == -1


def test_inf_bucket_is_the_last_bound_or_runs_to_the_max():
    assert estimate([10, 20], [0, 0, 10], 0.5) == 20
    assert estimate([10, 20], [0, 0, 10], 0.5, low=21.0, high=40.0) == pytest.approx(30.0)
    assert estimate([10, 20], [0, 0, 10], 1.0, low=21.0, high=40.0) == 40.0


def test_no_counts_no_estimate():
    assert estimate([10], [0, 0], 0.5) is None


def test_exponential_buckets_clamped_to_min_and_max():
    # scale 0: index 2 is (4, 8]
    found = buckets.exponential(0, 0, 0.0, [(1, 2, 10)], 5.0, 6.0)
    assert found == [buckets.Bucket(5.0, 6.0, 10)]
    assert buckets.quantile(found, 0.5, 5.0, 6.0) == pytest.approx(5.5)
