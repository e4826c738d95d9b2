"""Registration windows; sign-up itself arrives with the registration feature."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from forum.editions.models import Edition


class WindowState(StrEnum):
    NOT_SCHEDULED = "not_scheduled"
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


def registration_window_state(edition: Edition, now: datetime | None = None) -> WindowState:
    """Where `now` falls against the edition's registration window."""
    now = now or datetime.now(UTC)
    opens, closes = edition.registration_opens_at, edition.registration_closes_at
    if opens is None or closes is None:
        return WindowState.NOT_SCHEDULED
    if now < opens:
        return WindowState.NOT_YET_OPEN
    if now >= closes:
        return WindowState.CLOSED
    return WindowState.OPEN
