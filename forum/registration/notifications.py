"""E-mails to attendees, queued in the outbox in the same transaction as the change."""

from __future__ import annotations

from flask import current_app, render_template

from forum.agenda.exports import agenda_calendar
from forum.agenda.models import Session
from forum.i18n import speaking
from forum.links import absolute_url
from forum.mail import Attachment, compose, enqueue
from forum.registration.models import Registration, Seat, SeatStatus
from forum.registration.seats import sessions_for_everyone, waitlist_position


def queue_confirmation(registration: Registration, manage_token: str) -> None:
    """The e-mail right after sign-up: reference, sessions, status, calendar, manage link."""
    _queue(registration, "mail/confirmation", manage_token=manage_token, with_calendar=True)


def queue_manage_link(registration: Registration, manage_token: str) -> None:
    """A new manage link, for someone who registered before or lost the first e-mail."""
    _queue(registration, "mail/manage_link", manage_token=manage_token)


def queue_promotion(seat: Seat) -> None:
    """Tell someone from a waiting list that they now have a seat."""
    _queue(seat.registration, "mail/promoted", with_calendar=True, promoted_session=seat.session)


def queue_approval(registration: Registration) -> None:
    _queue(registration, "mail/approved", with_calendar=True)


def queue_cancellation(registration: Registration) -> None:
    _queue(registration, "mail/cancelled")


def attended_sessions(registration: Registration) -> list[Session]:
    """Sessions for everyone plus the attendee's confirmed seats, in time order."""
    seated = [
        seat.session for seat in registration.seats if seat.status == SeatStatus.CONFIRMED.value
    ]
    sessions = {session.id: session for session in sessions_for_everyone(registration.edition)}
    sessions.update({session.id: session for session in seated})
    return sorted(sessions.values(), key=lambda session: (session.starts_at, session.id))


def _queue(
    registration: Registration,
    template: str,
    manage_token: str | None = None,
    with_calendar: bool = False,
    **context: object,
) -> None:
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
        message = compose(registration.email, subject, text_body, html_body, attachments)
    enqueue(message, topic=f"{template.rsplit('/', 1)[-1]} {registration.reference}")


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
