"""Organizers' changes to speaker profiles: each takes the actor and writes the audit entry."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from forum.audit import Actor, record
from forum.editing import create_audited, delete_audited, update_fields
from forum.extensions import db
from forum.names import name_sort_key
from forum.speakers.models import Speaker
from forum.speakers.photos import store_photo

SPEAKER_FIELDS = (
    "given_name",
    "family_name",
    "name_zh",
    "is_family_name_first",
    "honorific",
    "position",
    "affiliation",
    "bio",
    "country",
    "photo",
    "is_published",
    "staff_notes",
)


def all_speakers(lang: str) -> list[Speaker]:
    """Every speaker, published or not, in the order a reader of `lang` expects."""
    speakers = db.session.scalars(db.select(Speaker))
    return sorted(speakers, key=lambda speaker: name_sort_key(speaker, lang))


def create_speaker(values: Mapping[str, Any], actor: Actor) -> Speaker:
    """Add a speaker profile."""
    speaker = Speaker(**{name: values[name] for name in SPEAKER_FIELDS if name in values})
    return create_audited(speaker, SPEAKER_FIELDS, actor)


def update_speaker(
    speaker: Speaker, values: Mapping[str, Any], actor: Actor, expected_version: int | None
) -> dict[str, list[Any]]:
    """Change a speaker profile; raises StaleEdit."""
    return update_fields(speaker, values, SPEAKER_FIELDS, actor, expected_version)


def replace_photo(
    speaker: Speaker, data: bytes, folder: Path, actor: Actor
) -> dict[str, list[Any]]:
    """Store a new photo for a speaker; raises PhotoRejected (nothing changes then)."""
    name = store_photo(data, folder)
    return update_fields(speaker, {"photo": name}, ("photo",), actor, None)


def set_speaker_published(speaker: Speaker, is_published: bool, actor: Actor) -> None:
    """Show or hide a speaker's profile on the public pages."""
    if speaker.is_published == is_published:
        return
    speaker.is_published = is_published
    db.session.flush()
    verb = "publish" if is_published else "unpublish"
    record(actor, f"speaker.{verb}", speaker, {"is_published": [not is_published, is_published]})


def delete_speaker(speaker: Speaker, actor: Actor) -> None:
    """Delete a profile; the speaker leaves every item they were part of."""
    delete_audited(speaker, SPEAKER_FIELDS, actor)
