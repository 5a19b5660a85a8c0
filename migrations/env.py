"""Alembic environment: one connection, the store's schema first on the search_path.

The database URL and schema come from `config.attributes` (set by `ollygraph.migrate`);
the version table lives in the store's schema too.
"""

from alembic import context
from sqlalchemy import create_engine, pool, text

from ollygraph import migrate

config = context.config
schema = config.attributes["schema"]
url = config.attributes["database_url"]


def run_migrations_online() -> None:
    engine = create_engine(migrate.sqlalchemy_url(url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.execute(text(f'SET search_path TO "{schema}"'))
        connection.commit()
        migrate.park_foreign_version_table(connection, schema)
        context.configure(
            connection=connection,
            version_table_schema=schema,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
