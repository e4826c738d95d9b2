"""Names of registration statuses in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from forum.registration.models import RegistrationStatus

STATUS_LABELS = {
    RegistrationStatus.PENDING: _l("Pending approval by the organizers"),
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
    RegistrationStatus.REJECTED: _l("Not accepted"),
}


def registration_status_label(status: str) -> str:
    return str(STATUS_LABELS.get(RegistrationStatus(status), status))
