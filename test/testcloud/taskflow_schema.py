"""Create Octavia's TaskFlow jobboard persistence tables (idempotent).

Debian bookworm's python3-taskflow 5.0.0-3 ships without the alembic tree
(taskflow/persistence/backends/sqlalchemy/alembic/), so
`octavia-db-manage upgrade_persistence` fails on MySQL. TaskFlow itself
creates the schema from its table definitions (tables.fetch) when alembic
is not used (its SQLite path); we do the same on MySQL. Reads the SQLAlchemy
URL from $TC_PERSISTENCE_URL. Run with /usr/bin/python3.

The table definitions declare JSON columns as TEXT (64 KiB); TaskFlow's own
MySQL migrations widen them, and Octavia's flow results (amphora network
configs) exceed 64 KiB, so on MySQL every TEXT column becomes LONGTEXT.
"""

import os

import sqlalchemy as sa
from taskflow.persistence.backends.sqlalchemy import tables


def main():
    metadata = sa.MetaData()
    tables.fetch(metadata)
    engine = sa.create_engine(os.environ["TC_PERSISTENCE_URL"])
    metadata.create_all(engine)  # checkfirst: existing tables are kept
    if engine.dialect.name == "mysql":
        widen_text_columns(engine, metadata)
    engine.dispose()


def widen_text_columns(engine, metadata):
    inspector = sa.inspect(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            for col in inspector.get_columns(table.name):
                if type(col["type"]).__name__.upper() != "TEXT":
                    continue
                null = "NULL" if col["nullable"] else "NOT NULL"
                conn.execute(sa.text(
                    f"ALTER TABLE `{table.name}` MODIFY `{col['name']}` LONGTEXT {null}"))


if __name__ == "__main__":
    main()
