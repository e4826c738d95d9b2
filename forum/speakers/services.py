"""Speaker index and profiles for the public pages."""

from __future__ import annotations

from dataclasses import dataclass

from forum.agenda.services import Appearance, appearances_of, speakers_of
from forum.editions.models import Edition
from forum.extensions import db
from forum.names import name_sort_key
from forum.speakers.models import Speaker


class SpeakerNotFound(LookupError):
    """No published speaker has that id."""


@dataclass
class SpeakerProfile:
    speaker: Speaker
    appearances: list[Appearance]


def speaker_index(edition: Edition, lang: str) -> list[Speaker]:
    """The edition's published speakers in the order a reader of `lang` expects."""
    return sorted(speakers_of(edition), key=lambda speaker: name_sort_key(speaker, lang))


def speaker_profile(speaker_id: int) -> SpeakerProfile:
    """A published speaker and the published sessions they appear in; raises SpeakerNotFound."""
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None or not speaker.is_published:
        raise SpeakerNotFound(speaker_id)
    return SpeakerProfile(speaker=speaker, appearances=appearances_of(speaker))
