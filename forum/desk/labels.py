"""Words of the desk: what each card state and door seat means, in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from forum.registration.checkin import CardState, CheckInKind, DoorSeat

CARD_STATE_LABELS = {
    CardState.OK: _l("OK to enter"),
    CardState.ALREADY_CHECKED_IN: _l("Already checked in"),
    CardState.CANCELLED: _l("Cancelled: do not admit"),
    CardState.REJECTED: _l("Not accepted: do not admit"),
    CardState.PENDING: _l("Pending approval: ask an organizer"),
    CardState.OTHER_EDITION: _l("Registered for another edition"),
    CardState.UNKNOWN: _l("Unknown reference"),
    CardState.FORGED: _l("Forged or damaged code: ask for ID and search by name"),
}

DOOR_SEAT_LABELS = {
    DoorSeat.CONFIRMED: _l("Confirmed seat in this session"),
    DoorSeat.WAITLISTED: _l("On the waiting list for this session"),
    DoorSeat.NONE: _l("No seat in this session"),
}

KIND_LABELS = {
    CheckInKind.ADMIT: _l("checked in"),
    CheckInKind.UNDO: _l("check-in undone"),
    CheckInKind.DOOR: _l("scanned at a door"),
    CheckInKind.PRINT: _l("badge printed"),
}


def check_in_kind_label(kind: str) -> str:
    return str(KIND_LABELS[CheckInKind(kind)])


def card_state_label(state: str) -> str:
    return str(CARD_STATE_LABELS[CardState(state)])


def door_seat_label(seat: str) -> str:
    return str(DOOR_SEAT_LABELS[DoorSeat(seat)])


TEMPLATE_HELPERS = (card_state_label, door_seat_label, check_in_kind_label)
