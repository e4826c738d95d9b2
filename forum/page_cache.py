"""Whole-page caching of public pages, invalidated when the programme changes.

Public pages are read far more than they change. Each rendered page is cached under
the current content revision, a counter in the database that every change to
published content bumps in the same transaction. All app processes read the same
counter, so a change shows everywhere on the next request, whichever cache backend
holds the pages.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, make_response, request
from sqlalchemy import Connection, Integer, Table, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from forum.extensions import cache, db

_watched_models: tuple[type, ...] = ()


class ContentRevision(db.Model):
    """A single row whose number changes whenever published content changes."""

    __tablename__ = "content_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, default=0)


def first_revision_number() -> int:
    """Where a new database starts counting: at random, so a recreated database never
    reuses the revision numbers (and so the cached pages and files) of an earlier one.
    Leaves room for a billion changes below the 32-bit limit."""
    return secrets.randbelow(2**30)


@event.listens_for(ContentRevision.__table__, "after_create")
def _insert_first_revision(table: Table, connection: Connection, **kwargs: Any) -> None:
    # The row exists from the start, so concurrent first changes only ever UPDATE it.
    connection.execute(table.insert().values(id=1, number=first_revision_number()))


def watch_content_models(*models: type) -> None:
    """Bump the content revision whenever an instance of one of `models` changes."""
    global _watched_models
    _watched_models = tuple(dict.fromkeys(_watched_models + models))


# Read on every request to a cached page, so it is built once and run as a Core
# statement on the session's connection: the ORM layer (entity loading, identity map)
# has nothing to do for one integer and cost about a third of a cache hit. It stays in
# the request's session, so a test or a request sees its own uncommitted bump.
_revision_table = ContentRevision.__table__
_READ_REVISION = select(_revision_table.c.number).where(_revision_table.c.id == 1)


def current_revision() -> int:
    """The content revision pages are cached under, read from the database every time."""
    return db.session.connection().execute(_READ_REVISION).scalar() or 0


def bump_content_revision(session: Session | None = None) -> None:
    """Make every cached page stale; for changes made outside the ORM unit of work."""
    session = session or db.session
    session.execute(
        update(ContentRevision)
        .where(ContentRevision.id == 1)
        .values(number=ContentRevision.number + 1)
    )


@event.listens_for(Session, "before_flush")
def _bump_on_content_change(session: Session, flush_context: Any, instances: Any) -> None:
    if not _watched_models or session.info.get("content_revision_bumped"):
        return
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(
        isinstance(instance, _watched_models)
        and (instance not in session.dirty or _has_public_change(instance))
        for instance in changed
    ):
        session.info["content_revision_bumped"] = True
        bump_content_revision(session)


def _has_public_change(instance: Any) -> bool:
    """Whether a change shows to visitors: a model's `__staff_only__` attributes
    (organizers' notes) change no public page, so they leave the cache alone."""
    staff_only = getattr(instance, "__staff_only__", frozenset())
    return any(
        attribute.key not in staff_only and attribute.history.has_changes()
        for attribute in inspect(instance).attrs
    )


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_bump(session: Session) -> None:
    session.info.pop("content_revision_bumped", None)


def cached_page(view: Callable[..., Any]) -> Callable[..., Response]:
    """Serve a public GET view from the page cache; only 200 responses are stored."""

    @wraps(view)
    def serve(*args: Any, **kwargs: Any) -> Response:
        if not current_app.config.get("PAGE_CACHE_ENABLED", True):
            return make_response(view(*args, **kwargs))
        key = f"page:{current_revision()}:{request.full_path}"
        stored = cache.get(key)
        if stored is not None:
            body, mimetype, headers = stored
            return Response(body, mimetype=mimetype, headers=headers)
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200:
            kept_headers = {
                name: value
                for name, value in response.headers.items()
                if name in ("Content-Disposition", "Access-Control-Allow-Origin")
            }
            cache.set(key, (response.get_data(), response.mimetype, kept_headers))
        return response

    return serve
