"""An edition is one year's forum; the site holds several and shows past ones as an archive."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from forum.columns import UTCDateTime
from forum.extensions import db
from forum.i18n import Translated, TranslatedType


class Edition(db.Model):
    __tablename__ = "editions"
    __table_args__ = (
        # At most one edition is the current one; partial indexes work on both databases.
        Index(
            "uq_editions_current",
            "is_current",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedType)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    venue: Mapped[Translated] = mapped_column(TranslatedType)
    city: Mapped[Translated] = mapped_column(TranslatedType)
    permanent_theme: Mapped[Translated] = mapped_column(TranslatedType)
    special_theme: Mapped[Translated | None] = mapped_column(TranslatedType, nullable=True)
    introduction: Mapped[Translated | None] = mapped_column(TranslatedType, nullable=True)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether attendees may download their own badge (e-ticket) from their manage link.
    are_attendee_badges_open: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # For organizers only: e.g. that the programme is sample data.
    staff_notes: Mapped[str] = mapped_column(Text, default="")
    # Optimistic locking (forum/editing.py): bumped by SQLAlchemy on every UPDATE.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    # Changes to these alone are not public: they keep the page cache and the PDFs.
    __staff_only__ = frozenset({"staff_notes"})

    def __repr__(self) -> str:
        return f"<Edition {self.year}>"

    @property
    def audit_label(self) -> str:
        return str(self.year)

    @property
    def days(self) -> list[date]:
        count = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + timedelta(days=offset) for offset in range(count)]
