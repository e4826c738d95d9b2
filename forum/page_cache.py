"""Whole-page caching of public pages, invalidated when the programme changes.

Public pages are read far more than they change. Each rendered page is cached under
the current content revision, a counter in the database that every change to
published content bumps in the same transaction. All app processes read the same
counter, so a change shows everywhere on the next request, whichever cache backend
holds the pages.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import Response, current_app, make_response, request
from sqlalchemy import Connection, Integer, Table, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.http import http_date, quote_etag

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


# Read on every request to a cached page. A request that has not used the database yet
# (a cache hit) reads it on a pooled connection of its own: the ORM session, begun only
# for this and closed at teardown, made up a sixth of a cache hit. A request or test that
# is already in a transaction reads it there, so it sees its own uncommitted bump.
_revision_table = ContentRevision.__table__
_READ_REVISION = select(_revision_table.c.number).where(_revision_table.c.id == 1)


def current_revision() -> int:
    """The content revision pages are cached under, read from the database every time."""
    if db.session.registry.has() and db.session().in_transaction():
        return db.session.connection().execute(_READ_REVISION).scalar() or 0
    with db.engine.connect() as connection:  # back to the pool, which ends its transaction
        return connection.execute(_READ_REVISION).scalar() or 0


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


# How long a browser, calendar client or proxy may use a copy before asking again. Pages
# ask every time (an organizer's change shows on the visitor's next load), which costs a
# bodiless 304 while nothing changed; a calendar polls its feed all day, so it may wait.
PAGE_MAX_AGE = 0
FEED_MAX_AGE = 300
# Headers that belong to the rendered page and are stored with it; the rest are added on
# every request (security headers, the language cookie).
_STORED_HEADERS = ("Content-Disposition", "Access-Control-Allow-Origin")
# Part of every cache key: a deploy that changes StoredPage never reads an older one.
STORED_PAGE_FORMAT = 2


@dataclass(frozen=True)
class StoredPage:
    """A rendered public page as the cache holds it: its bytes and every header that
    goes with them (type, ETag, Last-Modified, stored headers), ready to send."""

    body: bytes
    headers: tuple[tuple[str, str], ...]


def cached_page(view: Callable[..., Any] | None = None, *, max_age: int = PAGE_MAX_AGE) -> Any:
    """Serve a public GET view from the page cache, answering conditional requests.

    Only 200 responses are stored. Each carries a strong ETag (a digest of its bytes) and
    Last-Modified (when it was rendered); a request whose If-None-Match or
    If-Modified-Since matches gets a 304 with no body, and from the cache no render.
    Use as `@cached_page` or `@cached_page(max_age=FEED_MAX_AGE)`.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Response]:
        @wraps(view)
        def serve(*args: Any, **kwargs: Any) -> Response:
            page = _stored_or_rendered(view, args, kwargs)
            if isinstance(page, Response):
                return page
            return _conditional_response(page, max_age)

        return serve

    return decorate(view) if view is not None else decorate


def _stored_or_rendered(
    view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> StoredPage | Response:
    """The page from the cache, else rendered (and stored); any other answer as it is."""
    caching = current_app.config.get("PAGE_CACHE_ENABLED", True)
    # The path alone: a query string would let anyone add entries without bound, and
    # no cached page reads one. Nothing else from the request reaches the page either
    # (links come from SITE_URL), so the stored bytes are the same for every visitor.
    key = f"page:{STORED_PAGE_FORMAT}:{current_revision()}:{request.path}" if caching else ""
    if caching and (stored := cache.get(key)) is not None:
        return stored
    response = make_response(view(*args, **kwargs))
    if response.status_code != 200:
        return response
    body = response.get_data()
    page = StoredPage(
        body=body,
        headers=(
            ("Content-Type", response.content_type or "text/html; charset=utf-8"),
            ("ETag", quote_etag(hashlib.sha256(body).hexdigest()[:32])),
            ("Last-Modified", http_date(datetime.now(UTC).replace(microsecond=0))),
            *(
                (name, response.headers[name])
                for name in _STORED_HEADERS
                if name in response.headers
            ),
        ),
    )
    if caching:
        cache.set(key, page)
    return page


def _conditional_response(page: StoredPage, max_age: int) -> Response:
    response = Response(page.body, headers=page.headers)
    response.headers["Cache-Control"] = (
        f"public, max-age={max_age}, must-revalidate" if max_age else "public, no-cache"
    )
    # Most requests ask for the page outright; only the others need Werkzeug's reading of
    # validators (a third of a cache hit's time when done for every request).
    if _CONDITIONAL_HEADERS.isdisjoint(request.environ):
        return response
    return response.make_conditional(request)


_CONDITIONAL_HEADERS = frozenset(
    ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_RANGE", "HTTP_RANGE")
)
