"""The programme of an edition: rooms, sessions and the items (talks) inside them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.columns import UTCDateTime, one_of
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated, TranslatedType
from forum.speakers.models import Speaker


class SessionKind(StrEnum):
    OPENING = "opening"
    MAIN = "main"
    SUB_FORUM = "sub_forum"
    CLOSING = "closing"
    BREAK = "break"
    OTHER = "other"


class TalkKind(StrEnum):
    ADDRESS = "address"
    KEYNOTE = "keynote"
    SPEECH = "speech"
    PANEL = "panel"
    DIALOGUE = "dialogue"
    REPORT = "report"
    CASE_STUDY = "case_study"
    OTHER = "other"


class SpeakerRole(StrEnum):
    SPEAKER = "speaker"
    MODERATOR = "moderator"
    PANELIST = "panelist"
    HOST = "host"


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("edition_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[Translated] = mapped_column(TranslatedType)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Optimistic locking (forum/editing.py): bumped by SQLAlchemy on every UPDATE.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    edition: Mapped[Edition] = relationship()

    @property
    def audit_label(self) -> str:
        return Translated(self.name).in_language("en")


class Session(db.Model):
    """A block of the programme: a ceremony, the main forum, a sub-forum, a break."""

    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint(one_of("kind", SessionKind), name="kind"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        UniqueConstraint("edition_id", "code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    # A stable short name ("sub-forum-3") for seeding and exports; not shown to visitors.
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[Translated] = mapped_column(TranslatedType)
    summary: Mapped[Translated | None] = mapped_column(TranslatedType, nullable=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("rooms.id", ondelete="SET NULL"), nullable=True
    )
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)
    # For organizers only; never shown on public pages.
    staff_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Optimistic locking (forum/editing.py): bumped by SQLAlchemy on every UPDATE.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    __staff_only__ = frozenset({"staff_notes"})

    edition: Mapped[Edition] = relationship()
    room: Mapped[Room | None] = relationship()
    talks: Mapped[list[Talk]] = relationship(
        back_populates="session",
        order_by="(Talk.position, Talk.id)",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Session {self.code}>"

    @property
    def audit_label(self) -> str:
        return Translated(self.title).in_language("en")


class Talk(db.Model):
    """An item inside a session: an address, a keynote, a panel, a report release."""

    __tablename__ = "talks"
    __table_args__ = (CheckConstraint(one_of("kind", TalkKind), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[Translated] = mapped_column(TranslatedType)
    summary: Mapped[Translated | None] = mapped_column(TranslatedType, nullable=True)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Optimistic locking (forum/editing.py): bumped by SQLAlchemy on every UPDATE.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    session: Mapped[Session] = relationship(back_populates="talks")
    participants: Mapped[list[TalkSpeaker]] = relationship(
        back_populates="talk",
        order_by="(TalkSpeaker.position, TalkSpeaker.id)",
        cascade="all, delete-orphan",
    )

    @property
    def audit_label(self) -> str:
        return Translated(self.title).in_language("en")


class TalkSpeaker(db.Model):
    """A speaker's part in a talk, with the role they play in it."""

    __tablename__ = "talk_speakers"
    __table_args__ = (
        UniqueConstraint("talk_id", "speaker_id"),
        CheckConstraint(one_of("role", SpeakerRole), name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    talk_id: Mapped[int] = mapped_column(ForeignKey("talks.id", ondelete="CASCADE"))
    speaker_id: Mapped[int] = mapped_column(
        ForeignKey("speakers.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20), default=SpeakerRole.SPEAKER.value)
    position: Mapped[int] = mapped_column(Integer, default=0)

    talk: Mapped[Talk] = relationship(back_populates="participants")
    speaker: Mapped[Speaker] = relationship()
