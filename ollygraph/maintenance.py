"""Partition upkeep and retention, run by `ollygraph retention`, `ollygraph up` and ingest."""

from __future__ import annotations

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
    """Create the daily partitions from yesterday to `days_ahead` days ahead; returns how many."""
    with connect(url, schema) as conn:
        (created,) = conn.execute(QUERIES.ensure_partitions, {"days_ahead": days_ahead}).fetchone()
    if created:
        log.info("created %d partitions", created)
    return created


def apply_retention(url: str, schema: str, keep_seconds: int, now: float | None = None) -> int:
    """Drop the daily partitions that end before now - keep; returns how many were dropped."""
    cutoff_ns = int(((now or time.time()) - keep_seconds) * 1e9)
    with connect(url, schema) as conn:
        (dropped,) = conn.execute(
            QUERIES.drop_partitions_before, {"cutoff_ns": cutoff_ns}
        ).fetchone()
    log.info("retention: dropped %d partitions older than %ds", dropped, keep_seconds)
    return dropped


def run(url: str, schema: str, days_ahead: int, keep_seconds: int | None) -> None:
    ensure_partitions(url, schema, days_ahead)
    if keep_seconds:
        apply_retention(url, schema, keep_seconds)
