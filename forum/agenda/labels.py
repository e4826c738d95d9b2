"""Names of session kinds, item kinds and speaker roles, in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from forum.agenda.models import SessionKind, SpeakerRole, TalkKind

SESSION_KIND_LABELS = {
    SessionKind.OPENING: _l("Opening ceremony"),
    SessionKind.MAIN: _l("Main forum"),
    SessionKind.SUB_FORUM: _l("Sub-forum"),
    SessionKind.CLOSING: _l("Closing ceremony"),
    SessionKind.BREAK: _l("Break"),
    SessionKind.OTHER: _l("Special session"),
}

TALK_KIND_LABELS = {
    TalkKind.ADDRESS: _l("Address"),
    TalkKind.KEYNOTE: _l("Keynote speech"),
    TalkKind.SPEECH: _l("Speech"),
    TalkKind.PANEL: _l("Panel discussion"),
    TalkKind.DIALOGUE: _l("Dialogue"),
    TalkKind.REPORT: _l("Release of a report"),
    TalkKind.CASE_STUDY: _l("Case presentation"),
    TalkKind.OTHER: _l("Item"),
}

ROLE_LABELS = {
    SpeakerRole.SPEAKER: _l("Speaker"),
    SpeakerRole.MODERATOR: _l("Moderator"),
    SpeakerRole.PANELIST: _l("Panellist"),
    SpeakerRole.HOST: _l("Host"),
}


def session_kind_label(kind: str) -> str:
    return str(SESSION_KIND_LABELS.get(SessionKind(kind), kind))


def talk_kind_label(kind: str) -> str:
    return str(TALK_KIND_LABELS.get(TalkKind(kind), kind))


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(SpeakerRole(role), role))
