"""Alembic migrations of the ollygraph store, written in SQL (see `sql/`)."""
