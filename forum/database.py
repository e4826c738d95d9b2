"""Settings that make SQLite behave like the PostgreSQL we run in production."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event

from forum.extensions import db


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite_connection)


def _configure_sqlite_connection(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Cascades and foreign keys are declared in the models; SQLite ignores them unless told.
    cursor.execute("PRAGMA foreign_keys = ON")
    # Writers queue instead of failing at once when several requests register together.
    cursor.execute("PRAGMA busy_timeout = 30000")
    # Readers keep reading while a registration is being written.
    if _is_file_database(dbapi_connection):
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _is_file_database(dbapi_connection: Any) -> bool:
    rows = dbapi_connection.execute("PRAGMA database_list").fetchall()
    return any(row[1] == "main" and row[2] for row in rows)
