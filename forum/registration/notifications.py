"""E-mails to attendees, queued in the outbox in the same transaction as the change.

A queued e-mail names what it is about (a registration, a session, a manage token); the
worker composes it in the attendee's language just before sending, so the request that
caused it stays fast and holds its seat locks only briefly.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from flask import current_app, render_template

from forum.agenda.exports import agenda_calendar
from forum.agenda.models import Session
from forum.extensions import db
from forum.i18n import speaking
from forum.links import absolute_url
from forum.mail import Attachment, Composer, compose, enqueue_later, register_composer
from forum.registration.models import Registration, Seat, SeatStatus
from forum.registration.seats import sessions_for_everyone, waitlist_position


def queue_confirmation(registration: Registration, manage_token: str) -> None:
    """The e-mail right after sign-up: reference, sessions, status, calendar, manage link."""
    _queue(registration, "confirmation", manage_token=manage_token)


def queue_invitation(registration: Registration, manage_token: str) -> None:
    """The e-mail to a guest the organizers registered: invited, to what and when,
    reference, sessions, calendar, manage link."""
    _queue(registration, "invitation", manage_token=manage_token)


def queue_manage_link(registration: Registration, manage_token: str) -> None:
    """A new manage link, for someone who registered before or lost the first e-mail."""
    _queue(registration, "manage_link", manage_token=manage_token)


def queue_promotion(seat: Seat) -> None:
    """Tell someone from a waiting list that they now have a seat."""
    _queue(seat.registration, "promoted", session_id=seat.session_id)


def queue_approval(registration: Registration) -> None:
    _queue(registration, "approved")


def queue_cancellation(registration: Registration) -> None:
    _queue(registration, "cancelled")


# Which e-mails carry a manage link: they count against the hourly limit per address.
WITH_MANAGE_LINK = (
    "registration.confirmation",
    "registration.invitation",
    "registration.manage_link",
)

# Which e-mails carry the attendee's sessions as a calendar file.
WITH_CALENDAR = frozenset({"confirmation", "invitation", "promoted", "approved"})


def _queue(registration: Registration, template: str, **payload: object) -> None:
    # The id is known only after a flush; the registration must be in the database anyway.
    if registration.id is None:
        db.session.flush()
    enqueue_later(
        f"registration.{template}",
        registration.email,
        {"registration_id": registration.id, **payload},
        topic=f"{template} {registration.reference}",
    )


def _composer(template: str) -> Composer:
    def compose_for(payload: dict[str, Any]) -> EmailMessage:
        registration = db.session.get(Registration, payload["registration_id"])
        if registration is None:
            raise LookupError("the registration no longer exists")
        context: dict[str, object] = {}
        if "session_id" in payload:
            context["promoted_session"] = db.session.get(Session, payload["session_id"])
        return compose_message(
            registration,
            f"mail/{template}",
            manage_token=payload.get("manage_token"),
            with_calendar=template in WITH_CALENDAR,
            **context,
        )

    return compose_for


for _template in ("confirmation", "invitation", "manage_link", "promoted", "approved", "cancelled"):
    register_composer(f"registration.{_template}", _composer(_template))


def attended_sessions(registration: Registration) -> list[Session]:
    """Sessions for everyone plus the attendee's confirmed seats, in time order."""
    seated = [
        seat.session for seat in registration.seats if seat.status == SeatStatus.CONFIRMED.value
    ]
    sessions = {session.id: session for session in sessions_for_everyone(registration.edition)}
    sessions.update({session.id: session for session in seated})
    return sorted(sessions.values(), key=lambda session: (session.starts_at, session.id))


def compose_message(
    registration: Registration,
    template: str,
    manage_token: str | None = None,
    with_calendar: bool = False,
    **context: object,
) -> EmailMessage:
    """An e-mail to the attendee from `template`, in their preferred language."""
    lang = registration.preferred_language
    with speaking(lang):
        manage_url = (
            absolute_url("registration.manage", lang=lang, token=manage_token)
            if manage_token
            else None
        )
        seats = [(seat, waitlist_position(seat)) for seat in registration.seats]
        values = {
            "registration": registration,
            "edition": registration.edition,
            "seats": seats,
            "sessions_for_everyone": sessions_for_everyone(registration.edition),
            "manage_url": manage_url,
            "lost_link_url": absolute_url("registration.lost_link", lang=lang),
            "agenda_url": absolute_url("agenda.agenda", lang=lang),
            "register_url": absolute_url("registration.register_page", lang=lang),
            **context,
        }
        subject = render_template(f"{template}.subject.txt", **values).strip()
        text_body = render_template(f"{template}.txt", **values)
        html_body = render_template(f"{template}.html", **values)
        attachments = []
        if with_calendar:
            attachments.append(_calendar_attachment(registration, lang))
        return compose(registration.email, subject, text_body, html_body, attachments)


def _calendar_attachment(registration: Registration, lang: str) -> Attachment:
    body = agenda_calendar(
        registration.edition,
        attended_sessions(registration),
        lang,
        uid_domain=current_app.config["ICAL_UID_DOMAIN"],
        session_url=lambda session: absolute_url(
            "agenda.session", lang=lang, session_id=session.id
        ),
        describe_items=False,
    )
    filename = f"forum-{registration.edition.year}.ics"
    return Attachment(filename=filename, content_type="text/calendar", data=body)
