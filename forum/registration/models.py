"""Attendees' registrations, their seats in sessions, and the categories they register in."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.agenda.models import Session
from forum.columns import UTCDateTime, one_of
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated, TranslatedType
from forum.registration.folding import search_text


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class SeatStatus(StrEnum):
    # Asked for by a registration that waits for approval; holds no place yet.
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


class Category(db.Model):
    """What someone attends as: delegate, media, resident, speaker, staff..."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedType)
    # Public categories are offered on the sign-up form; the rest are set by organizers.
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # The colour of the band on badges, as #rrggbb.
    colour: Mapped[str] = mapped_column(String(7), default="#6b7280")
    # A short label for the badge's band (RESIDENT / 市民); None: the standard one or the name.
    badge_label: Mapped[Translated | None] = mapped_column(TranslatedType, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint(one_of("status", RegistrationStatus), name="status"),
        CheckConstraint("preferred_language IN ('en', 'zh')", name="preferred_language"),
        # One live registration per address and edition; a cancelled one may be replaced.
        Index(
            "uq_registrations_live_email",
            "edition_id",
            "email",
            unique=True,
            sqlite_where=text("status <> 'cancelled'"),
            postgresql_where=text("status <> 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    given_name: Mapped[str] = mapped_column(String(100), default="")
    family_name: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str | None] = mapped_column(String(40), nullable=True)
    is_family_name_first: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    organization: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2))
    preferred_language: Mapped[str] = mapped_column(String(2), default="en")
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=RegistrationStatus.CONFIRMED.value)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    checkin_desk: Mapped[str | None] = mapped_column(String(40), nullable=True)
    badge_prints: Mapped[int] = mapped_column(Integer, default=0)
    # Names, e-mail and organization folded (lower case, no accents) for the staff search;
    # kept up to date by the mapper events below, so never set it by hand.
    search_text: Mapped[str] = mapped_column(String(800), default="", index=True)

    edition: Mapped[Edition] = relationship()
    category: Mapped[Category] = relationship()
    seats: Mapped[list[Seat]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="Seat.id"
    )
    manage_tokens: Mapped[list[ManageToken]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="ManageToken.id"
    )

    @property
    def may_download_badge(self) -> bool:
        """Attendees get their badge once organizers open downloads and they are confirmed."""
        return (
            self.edition.are_attendee_badges_open
            and self.status == RegistrationStatus.CONFIRMED.value
        )

    @property
    def formatted_reference(self) -> str:
        """K7Q2M9XP as K7Q2-M9XP: easier to read out at a desk or over the phone."""
        return f"{self.reference[:4]}-{self.reference[4:]}"


@event.listens_for(Registration, "before_insert")
@event.listens_for(Registration, "before_update")
def _refresh_search_text(_mapper: object, _connection: object, registration: Registration) -> None:
    """Every ORM insert or update refolds the searchable fields (bulk UPDATEs bypass this)."""
    registration.search_text = search_text(
        given_name=registration.given_name or "",
        family_name=registration.family_name or "",
        name_zh=registration.name_zh,
        email=registration.email or "",
        organization=registration.organization or "",
    )


class Seat(db.Model):
    """A registration's place in a session with a capacity, confirmed or on the waiting list."""

    __tablename__ = "seats"
    __table_args__ = (
        UniqueConstraint("registration_id", "session_id"),
        CheckConstraint(one_of("status", SeatStatus), name="status"),
        Index("ix_seats_session_status", "session_id", "status"),
    )

    # The id doubles as the order of arrival on a waiting list.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    registration: Mapped[Registration] = relationship(back_populates="seats")
    session: Mapped[Session] = relationship()


class ManageToken(db.Model):
    """One manage link of a registration; only the SHA-256 of its token is stored.

    Asking for a new link adds one and never ends the links already sent: nobody who
    knows an attendee's address can break their link. The oldest beyond a handful are
    dropped; all of them die when the attendee cancels or an organizer revokes them.
    """

    __tablename__ = "manage_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the link stops working (cancellation, revoked by organizers); kept so the
    # page behind a dead link can say why.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    registration: Mapped[Registration] = relationship(back_populates="manage_tokens")

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
