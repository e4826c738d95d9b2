"""The programme booklet as PDF, one per language, rendered once per programme revision.

A booklet takes WeasyPrint a few seconds, so it is rendered on the first download after
the programme changes and kept as a file named after the content revision; every later
download is a file read. A change to the programme bumps the revision, and the next
download renders the new booklet.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext, npgettext
from markupsafe import Markup

from forum.agenda.models import SpeakerRole, Talk
from forum.agenda.services import agenda_of, public_participants
from forum.documents.fonts import CJK_FONT_STACK, FONT_STACK, require_fonts_for
from forum.documents.pdf import html_to_pdf
from forum.editions.models import Edition
from forum.i18n import speaking
from forum.names import primary_name
from forum.page_cache import current_revision
from forum.speakers.services import speaker_index


def programme_html(edition: Edition, lang: str) -> str:
    """The booklet's HTML: cover, day by day, sub-forums, index of speakers."""
    with speaking(lang):
        days = agenda_of(edition)
        speakers = speaker_index(edition, lang)
        return render_template(
            "documents/programme.html",
            edition=edition,
            days=days,
            speakers=speakers,
            font_stack=Markup(FONT_STACK),
            cjk_font_stack=Markup(CJK_FONT_STACK),
            participant_groups=participant_groups,
        )


# A role's label before one name or several ("Panellist: A" / "Panellists: A, B").
ROLE_GROUP_LABELS: dict[SpeakerRole, Callable[[int], str]] = {
    SpeakerRole.SPEAKER: lambda n: npgettext("role before names", "Speaker", "Speakers", n),
    SpeakerRole.MODERATOR: lambda n: npgettext("role before names", "Moderator", "Moderators", n),
    SpeakerRole.PANELIST: lambda n: npgettext("role before names", "Panellist", "Panellists", n),
    SpeakerRole.HOST: lambda n: npgettext("role before names", "Host", "Hosts", n),
}


def participant_groups(talk: Talk, lang: str) -> list[str]:
    """The talk's published speakers, one entry per role in order of first appearance:
    "Panellists: A, B" rather than "Panellist: A; Panellist: B"."""
    groups: dict[str, list[str]] = {}
    for part in public_participants(talk):
        groups.setdefault(part.role, []).append(primary_name(part.speaker, lang))
    return [
        gettext(
            "%(role)s: %(name)s",
            role=ROLE_GROUP_LABELS[SpeakerRole(role)](len(names)),
            name=gettext(", ").join(names),
        )
        for role, names in groups.items()
    ]


def render_programme(edition: Edition, lang: str) -> bytes:
    """The booklet in `lang` as PDF; raises MissingFont when Chinese cannot be printed."""
    html = programme_html(edition, lang)
    # Not only the Chinese booklet: the English one prints speakers' Chinese names too.
    require_fonts_for([html], owner=f"the {lang} programme")
    return html_to_pdf(html)


def programme_file(edition: Edition, lang: str) -> Path:
    """The booklet's file for the current programme, rendered now if there is none yet."""
    folder = Path(current_app.instance_path) / "programmes"
    folder.mkdir(parents=True, exist_ok=True)
    revision = current_revision()
    path = folder / f"programme-{edition.year}-{lang}-r{revision}.pdf"
    if path.exists():
        return path
    pdf = render_programme(edition, lang)
    # Written aside and renamed, so a concurrent download never reads half a file.
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "wb") as output:
        output.write(pdf)
    os.replace(temporary, path)
    _remove_older_revisions(folder, edition.year, lang, keep=path)
    return path


def _remove_older_revisions(folder: Path, year: int, lang: str, keep: Path) -> None:
    for old in folder.glob(f"programme-{year}-{lang}-r*.pdf"):
        if old != keep:
            old.unlink(missing_ok=True)
