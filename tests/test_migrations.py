"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import func, inspect, select, text

from forum.extensions import db


@pytest.fixture
def logging_kept() -> Iterator[None]:
    """Alembic's env.py runs logging.fileConfig: undo it so later tests log as before.

    fileConfig disables every existing logger, resets levels and puts a stderr handler
    on the root logger; pytest's own capture handlers are left to pytest.
    """
    root = logging.getLogger()
    root_level = root.level
    root_handlers = list(root.handlers)
    loggers = {
        name: (logger.disabled, logger.level, list(logger.handlers), logger.propagate)
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.setLevel(root_level)
    for handler in list(root.handlers):
        if handler not in root_handlers and type(handler) is logging.StreamHandler:
            root.removeHandler(handler)
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            disabled, level, handlers, propagate = loggers.get(
                name, (False, logging.NOTSET, [], True)
            )
            logger.disabled = disabled
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.propagate = propagate


def _empty_the_database() -> None:
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_migrations_build_the_schema_of_the_models(changes_data: Flask, logging_kept: None) -> None:
    _empty_the_database()

    flask_migrate.upgrade()

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
        tables = set(inspect(connection).get_table_names())
    assert differences == []
    assert tables - {"alembic_version"} == set(db.metadata.tables)
    assert "alembic_version" in tables


def test_connections_enforce_foreign_keys_again_after_migrating(
    changes_data: Flask, logging_kept: None
) -> None:
    """A migration that rebuilds a table on SQLite turns foreign keys off; the connection
    then goes back to the app's pool, and must not keep ignoring them (cascades, SET NULL)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PRAGMA foreign_keys is SQLite's")
    _empty_the_database()

    flask_migrate.upgrade()

    pooled = [db.engine.connect() for _ in range(db.engine.pool.size())]
    try:
        enforced = [c.exec_driver_sql("PRAGMA foreign_keys").scalar() for c in pooled]
    finally:
        for connection in pooled:
            connection.close()
    assert enforced == [1] * len(pooled)


def test_migrations_leave_a_database_the_demo_seed_fills(
    changes_data: Flask, logging_kept: None
) -> None:
    _empty_the_database()
    flask_migrate.upgrade()

    result = changes_data.test_cli_runner().invoke(args=["forum", "seed-demo"])

    assert result.exit_code == 0, result.output
    assert "Demo editions created: 2022, 2024" in result.output
    # The page cache's revision row comes from the migration, not from create_all.
    assert db.session.execute(db.text("SELECT number FROM content_revision")).scalar() >= 0


def test_seed_demo_twice_changes_nothing(changes_data: Flask) -> None:
    _empty_the_database()
    db.create_all()
    runner = changes_data.test_cli_runner()

    first = runner.invoke(args=["forum", "seed-demo"])
    counts_after_first = _row_counts()
    second = runner.invoke(args=["forum", "seed-demo"])
    counts_after_second = _row_counts()

    assert first.exit_code == 0, first.output
    assert first.output.strip() == "Demo editions created: 2022, 2024 (43 speakers)."
    assert second.exit_code == 0, second.output
    assert second.output.strip() == "Demo editions already present; nothing changed."
    assert counts_after_second == counts_after_first
    assert counts_after_first["editions"] == 2
    assert counts_after_first["speakers"] == 43
    assert counts_after_first["sessions"] == 17


def test_seed_demo_on_the_seeded_database_changes_nothing(changes_data: Flask) -> None:
    before = _row_counts()

    result = changes_data.test_cli_runner().invoke(args=["forum", "seed-demo"])

    assert result.exit_code == 0, result.output
    assert "already present" in result.output
    assert _row_counts() == before


# Migration 0004 moves every manage link into `manage_tokens` and loses no seat on the way.
REGISTRATION = text(
    "INSERT INTO registrations (edition_id, reference, manage_token_hash, category_id,"
    " given_name, family_name, is_family_name_first, email, organization, position,"
    " country, preferred_language, dietary_needs, accessibility_needs, status, consent_at,"
    " created_at, updated_at, cancelled_at, badge_prints)"
    " VALUES (:edition, :reference, :hash, :category, 'Ana', 'Lima', false, :email, '', '',"
    " 'BR', 'en', '', '', :status, :at, :at, :at, :cancelled_at, 0)"
)


def test_migration_0004_keeps_every_link_sent_and_every_seat(
    changes_data: Flask, logging_kept: None
) -> None:
    _empty_the_database()
    # The demo is loaded through today's models, so at today's schema, then taken back.
    flask_migrate.upgrade()
    seeded = changes_data.test_cli_runner().invoke(args=["forum", "seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    flask_migrate.downgrade(revision="0003")
    live, cancelled = (hashlib.sha256(word.encode()).hexdigest() for word in ("live", "gone"))
    with db.engine.begin() as connection:
        edition = connection.execute(text("SELECT min(id) FROM editions")).scalar()
        category = connection.execute(text("SELECT min(id) FROM categories")).scalar()
        session = connection.execute(text("SELECT min(id) FROM sessions")).scalar()
        for reference, token_hash, status, cancelled_at in (
            ("AAAAAAAA", live, "confirmed", None),
            ("CCCCCCCC", cancelled, "cancelled", "2024-12-01 00:00:00"),
        ):
            connection.execute(
                REGISTRATION,
                {
                    "edition": edition,
                    "reference": reference,
                    "hash": token_hash,
                    "category": category,
                    "email": f"{reference}@example.org",
                    "status": status,
                    "at": "2024-11-01 00:00:00",
                    "cancelled_at": cancelled_at,
                },
            )
        connection.execute(
            text(
                "INSERT INTO seats (registration_id, session_id, status, created_at)"
                " SELECT id, :session, 'confirmed', created_at FROM registrations"
                " WHERE reference = 'AAAAAAAA'"
            ),
            {"session": session},
        )

    flask_migrate.upgrade()

    with db.engine.connect() as connection:
        links = connection.execute(
            text(
                "SELECT r.reference, t.token_hash, t.revoked_at IS NOT NULL FROM manage_tokens t"
                " JOIN registrations r ON r.id = t.registration_id ORDER BY r.reference"
            )
        ).all()
        seats = connection.execute(text("SELECT count(*) FROM seats")).scalar()
    assert [tuple(link) for link in links] == [
        ("AAAAAAAA", live, False),
        ("CCCCCCCC", cancelled, True),
    ]
    assert seats == 1
