"""Partition upkeep and retention, run by `ollygraph retention`, `ollygraph up` and ingest."""

from __future__ import annotations

import datetime as dt
import logging
import time

import psycopg

from ollygraph import migrate
from ollygraph.sql import QUERIES

log = logging.getLogger(__name__)


def connect(url: str, schema: str) -> psycopg.Connection:
    conn = psycopg.connect(migrate.libpq_url(url), autocommit=True)
    conn.execute(f'SET search_path TO "{schema}"')
    return conn


def ensure_partitions(url: str, schema: str, days_ahead: int) -> int:
    """Create the daily partitions from yesterday to `days_ahead` days ahead; returns how many.

    One transaction per day, so the number of locks held stays bounded."""
    today = dt.datetime.now(dt.UTC).date()
    created = 0
    with connect(url, schema) as conn:
        for offset in range(-1, days_ahead + 1):
            day = today + dt.timedelta(days=offset)
            created += conn.execute(QUERIES.ensure_partitions, {"day": day}).fetchone()[0]
    if created:
        log.info("created %d partitions", created)
    return created


def apply_retention(url: str, schema: str, keep_seconds: int, now: float | None = None) -> int:
    """Drop the daily partitions that end before now - keep; returns how many were dropped.

    Old days go one transaction each (bounded locks); the last call also trims the DEFAULT
    partitions and the trace summary."""
    cutoff = dt.datetime.fromtimestamp((now or time.time()) - keep_seconds, dt.UTC)
    cutoff_ns = int(cutoff.timestamp() * 1e9)
    dropped = 0
    with connect(url, schema) as conn:
        days = [day for (day,) in conn.execute(QUERIES.dated_partition_days)]
        for day in days:
            day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
            if day_end > cutoff:
                break
            step_ns = int(day_end.timestamp() * 1e9)
            dropped += conn.execute(
                QUERIES.drop_partitions_before, {"cutoff_ns": step_ns}
            ).fetchone()[0]
        dropped += conn.execute(
            QUERIES.drop_partitions_before, {"cutoff_ns": cutoff_ns}
        ).fetchone()[0]
    log.info("retention: dropped %d partitions older than %ds", dropped, keep_seconds)
    return dropped


def run(url: str, schema: str, days_ahead: int, keep_seconds: int | None) -> None:
    ensure_partitions(url, schema, days_ahead)
    if keep_seconds:
        apply_retention(url, schema, keep_seconds)
