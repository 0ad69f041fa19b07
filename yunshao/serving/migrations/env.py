"""Alembic's environment: migrations run on the connection ``Database.upgrade`` hands over.

``yunshao`` never reads an ``alembic.ini``: the database is whatever the settings name, and the
connection is already open (and locked) when this runs. ``render_as_batch`` lets SQLite alter tables.
"""

from __future__ import annotations

from alembic import context

from yunshao.serving.core.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
connection.commit()
