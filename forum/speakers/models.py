"""Speaker profiles: the people on the programme."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.i18n import Translated, TranslatedType


class Speaker(db.Model):
    """A person on the programme; one profile serves every edition they speak at."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given_name: Mapped[str] = mapped_column(String(120), default="")
    family_name: Mapped[str] = mapped_column(String(120), index=True)
    name_zh: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    is_family_name_first: Mapped[bool] = mapped_column(Boolean, default=False)
    honorific: Mapped[Translated | None] = mapped_column(TranslatedType, nullable=True)
    position: Mapped[Translated | None] = mapped_column(TranslatedType, nullable=True)
    affiliation: Mapped[Translated | None] = mapped_column(TranslatedType, nullable=True)
    bio: Mapped[Translated | None] = mapped_column(TranslatedType, nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    photo: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)
    # Lets the demo seed find its own rows again, so seeding twice changes nothing.
    seed_key: Mapped[str | None] = mapped_column(String(60), unique=True, nullable=True)
    # For organizers only; never shown on public pages.
    staff_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Optimistic locking (forum/editing.py): bumped by SQLAlchemy on every UPDATE.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    __staff_only__ = frozenset({"staff_notes"})

    def __repr__(self) -> str:
        return f"<Speaker {self.given_name} {self.family_name}>"

    @property
    def audit_label(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name, self.name_zh) if part)
