"""The named SQL queries of ingest (`ingest/sql/*.sql`), loaded once."""

from __future__ import annotations

from pathlib import Path

from ollygraph import sql

QUERIES = sql.Queries(Path(__file__).with_name("sql"))
