"""Counting what a request costs: the SQL statements run while a block runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from forum.extensions import db


@contextmanager
def recorded_statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run on the app's engine while the block runs."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
