"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import func, inspect, select

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
