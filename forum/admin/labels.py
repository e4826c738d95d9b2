"""Words of the staff area: role names, audit actions and values, in the page's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum.accounts.models import Role
from forum.i18n import format_moment, time_zone_label

STAFF_ROLE_LABELS = {
    Role.ADMIN: _l("administrator"),
    Role.ORGANIZER: _l("organizer"),
    Role.CHECKIN: _l("check-in staff"),
}

OBJECT_LABELS = {
    "edition": _l("Edition"),
    "room": _l("Room"),
    "session": _l("Session"),
    "talk": _l("Programme item"),
    "speaker": _l("Speaker"),
    "user": _l("Staff account"),
    "registration": _l("Registration"),
    "outbox_message": _l("Outgoing e-mail"),
    "category": _l("Category"),
    "badge_batch": _l("Badge batch"),
}

VERB_LABELS = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "publish": _l("published"),
    "unpublish": _l("unpublished"),
    "reorder": _l("reordered"),
    "make_current": _l("made current"),
    "set_password": _l("password set"),
    "deactivate": _l("deactivated"),
    "approve": _l("approved"),
    "reject": _l("rejected"),
    "cancel": _l("cancelled"),
    "move": _l("moved"),
    "resend_confirmation": _l("confirmation sent again"),
    "send_manage_link": _l("new manage link sent"),
    "revoke_links": _l("manage links revoked"),
    "erase": _l("personal data erased"),
    "retry": _l("queued again"),
    "check_in": _l("checked in"),
    "undo_check_in": _l("check-in undone"),
    "door_check": _l("scanned at a door"),
    "walk_in": _l("registered at the desk"),
    "print_badge": _l("badge printed"),
    "mark_printed": _l("marked printed"),
}


def staff_role_label(role: str) -> str:
    return str(STAFF_ROLE_LABELS.get(Role(role), role))


def audit_object_label(object_type: str) -> str:
    return str(OBJECT_LABELS.get(object_type, object_type))


def audit_action_label(action: str) -> str:
    """ "session.update" as "Session changed" / "会议 已修改"."""
    object_type, _dot, verb = action.partition(".")
    return _(
        "%(object)s %(verb)s",
        object=audit_object_label(object_type),
        verb=str(VERB_LABELS.get(verb, verb)),
    )


def audit_value(value: Any) -> str:
    """A stored before/after value as a person reads it."""
    if value is None or value == "" or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Mapping):
        return " | ".join(f"{lang}: {text}" for lang, text in value.items())
    return str(value)


def format_staff_moment(moment: datetime) -> str:
    return format_moment(moment, current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"))


def time_zone_note(edition: Any) -> str:
    """Which zone the times on a staff page are typed and shown in."""
    return _("Times are in %(zone)s.", zone=time_zone_label(edition.timezone, edition.starts_on))


TEMPLATE_HELPERS = (
    time_zone_note,
    staff_role_label,
    audit_object_label,
    audit_action_label,
    audit_value,
    format_staff_moment,
)
