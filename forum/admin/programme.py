"""The programme editor: editions, rooms, sessions, their items and speakers.

Views only: each reads the form, calls a feature's editing service with the acting
user, and commits once. Conflicts found after a save are shown before it is kept;
"Save anyway" keeps it. A save over a newer version is refused with what is stored now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from forum.accounts.access import PROGRAMME, current_actor, role_required, staff_blueprint
from forum.admin.forms import (
    PARTICIPANT_ROWS,
    EditionForm,
    RoomForm,
    SessionForm,
    SpeakerForm,
    TalkForm,
    VersionedForm,
    role_choices,
)
from forum.agenda import editing as agenda_editing
from forum.agenda.conflicts import Conflict, edition_conflicts, session_conflicts
from forum.agenda.models import Room, Session, Talk
from forum.agenda.services import appearances_of, group_into_days, sessions_of
from forum.audit import history_of, plain
from forum.editing import StaleEdit
from forum.editions import editing as edition_editing
from forum.editions.models import Edition
from forum.editions.services import EditionNotFound, all_editions, current_edition
from forum.extensions import db
from forum.i18n import country_names, current_language
from forum.ids import id_from
from forum.registration import staff as registration_staff
from forum.registration.models import Seat
from forum.security import accepts_uploads
from forum.speakers import editing as speaker_editing
from forum.speakers.models import Speaker
from forum.speakers.photos import MAX_UPLOAD_BYTES, PhotoRejected, photo_folder

bp = staff_blueprint("programme", __name__, url_prefix="/<lang:lang>/admin")

PHOTO_MESSAGES = {
    "too_large": lambda: _("The photo is larger than 5 MB. Please send a smaller file."),
    "not_an_image": lambda: _(
        "This file is not an image we can read. Please send a JPEG, PNG or WebP photo."
    ),
    "wrong_format": lambda: _("Only JPEG, PNG and WebP photos are accepted."),
    "too_many_pixels": lambda: _(
        "This image has far too many pixels to be a photo. Please send a smaller one."
    ),
}


def _get(model: type, object_id: int) -> Any:
    return db.get_or_404(model, object_id)


# --------------------------------------------------------------------- saving, shared


class SaveOutcome:
    """What happened to a save: kept, or shown again with conflicts or a newer version."""

    def __init__(self) -> None:
        self.saved = False
        self.conflicts: list[Conflict] = []
        self.stale: StaleEdit | None = None


def _save(
    form: VersionedForm,
    apply: Callable[[], Any],
    find_conflicts: Callable[[], list[Conflict]] | None = None,
) -> SaveOutcome:
    """Run a service, then keep its change unless it brings conflicts not yet confirmed."""
    outcome = SaveOutcome()
    try:
        apply()
    except StaleEdit as stale:
        db.session.rollback()
        outcome.stale = stale
        # Saving again now means: I have seen what changed, keep mine.
        form.version.data = str(stale.obj.version) if stale.obj is not None else ""
        return outcome
    conflicts = find_conflicts() if find_conflicts else []
    if conflicts and not request.form.get("confirm_conflicts"):
        outcome.conflicts = conflicts
        db.session.rollback()
        return outcome
    db.session.commit()
    outcome.saved = True
    _flash_saved(form)
    if conflicts:
        flash(
            ngettext(
                "Saved despite %(num)d conflict; see the conflicts page.",
                "Saved despite %(num)d conflicts; see the conflicts page.",
                len(conflicts),
            ),
            "warning",
        )
    return outcome


def _flash_saved(form: VersionedForm) -> None:
    """Say it is saved; warn (never refuse) about fields filled in one language only."""
    flash(_("Saved."), "success")
    for label in form.half_translated_fields():
        message = _(
            "%(field)s is filled in one language only; visitors reading the other see it "
            "in this one.",
            field=label,
        )
        flash(message, "warning")


def _stale_rows(outcome: SaveOutcome, form: VersionedForm) -> list[tuple[str, Any, Any]]:
    """(field label, stored now, typed) for the fields that differ."""
    if outcome.stale is None:
        return []
    typed = form.values()
    rows = []
    for name, stored in outcome.stale.stored.items():
        if name in typed and plain(typed[name]) != stored and name in form:
            rows.append((str(form[name].label.text), stored, plain(typed[name])))
    return rows


def _render_form(
    template: str, form: VersionedForm, outcome: SaveOutcome | None, **context: Any
) -> tuple[str, int]:
    status = 200
    if outcome is not None and (outcome.stale or outcome.conflicts):
        status = 409
    return (
        render_template(
            template,
            form=form,
            conflicts=outcome.conflicts if outcome else [],
            stale_rows=_stale_rows(outcome, form) if outcome else [],
            is_stale=bool(outcome and outcome.stale),
            **context,
        ),
        status,
    )


# ---------------------------------------------------------------------------- editions


@bp.route("/editions")
@role_required(*PROGRAMME)
def editions() -> str:
    return render_template("admin/editions.html", editions=all_editions())


@bp.route("/editions/new", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def new_edition() -> Response | tuple[str, int]:
    form = EditionForm(zone_name=request.form.get("timezone") or "Asia/Shanghai")
    if request.method == "GET":
        form.timezone.data = "Asia/Shanghai"
    if form.validate_on_submit():
        try:
            edition = edition_editing.create_edition(form.values(), current_actor())
        except edition_editing.YearTaken:
            form.year.errors.append(_("There is an edition of that year already."))
        except edition_editing.EndsBeforeStart:
            form.ends_on.errors.append(_("The end comes before the start."))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("programme.edit_edition", edition_id=edition.id))
    return _render_form("admin/edition_form.html", form, None, edition=None, history=[])


@bp.route("/editions/<int:edition_id>", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def edit_edition(edition_id: int) -> Response | tuple[str, int]:
    edition = _get(Edition, edition_id)
    form = EditionForm(obj=edition, zone_name=edition.timezone)
    if request.method == "GET":
        form.version.data = str(edition.version)
    outcome = None
    if form.validate_on_submit():
        try:
            outcome = _save(
                form,
                lambda: edition_editing.update_edition(
                    edition, form.values(), current_actor(), form.expected_version()
                ),
            )
        except edition_editing.YearTaken:
            db.session.rollback()
            form.year.errors.append(_("There is an edition of that year already."))
        except edition_editing.EndsBeforeStart:
            db.session.rollback()
            form.ends_on.errors.append(_("The end comes before the start."))
        if outcome and outcome.saved:
            return redirect(url_for("programme.edit_edition", edition_id=edition_id))
    return _render_form(
        "admin/edition_form.html",
        form,
        outcome,
        edition=edition,
        history=history_of("edition", edition_id),
    )


@bp.route("/editions/<int:edition_id>/current", methods=["POST"])
@role_required(*PROGRAMME)
def make_edition_current(edition_id: int) -> Response:
    edition_editing.make_current(_get(Edition, edition_id), current_actor())
    db.session.commit()
    flash(_("This edition is now the current one."), "success")
    return redirect(url_for("programme.editions"))


@bp.route("/editions/<int:edition_id>/delete", methods=["POST"])
@role_required(*PROGRAMME)
def delete_edition(edition_id: int) -> Response:
    edition = _get(Edition, edition_id)
    if edition.is_current:
        flash(_("The current edition cannot be deleted. Make another one current first."), "error")
        return redirect(url_for("programme.edit_edition", edition_id=edition_id))
    edition_editing.delete_edition(edition, current_actor())
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("programme.editions"))


# ------------------------------------------------------------------------------- rooms


@bp.route("/editions/<int:edition_id>/rooms", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def rooms(edition_id: int) -> Response | tuple[str, int]:
    edition = _get(Edition, edition_id)
    form = RoomForm()
    if form.validate_on_submit():
        try:
            agenda_editing.create_room(edition, form.values(), current_actor())
        except agenda_editing.CodeTaken:
            form.code.errors.append(_("Another room of this edition has that code."))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("programme.rooms", edition_id=edition_id))
    return _render_form(
        "admin/rooms.html", form, None, edition=edition, rooms=agenda_editing.rooms_of(edition)
    )


@bp.route("/rooms/<int:room_id>", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def edit_room(room_id: int) -> Response | tuple[str, int]:
    room = _get(Room, room_id)
    form = RoomForm(obj=room)
    if request.method == "GET":
        form.version.data = str(room.version)
    outcome = None
    if form.validate_on_submit():
        try:
            outcome = _save(
                form,
                lambda: agenda_editing.update_room(
                    room, form.values(), current_actor(), form.expected_version()
                ),
                lambda: edition_conflicts(room.edition),
            )
        except agenda_editing.CodeTaken:
            db.session.rollback()
            form.code.errors.append(_("Another room of this edition has that code."))
        if outcome and outcome.saved:
            return redirect(url_for("programme.rooms", edition_id=room.edition_id))
    return _render_form(
        "admin/room_form.html", form, outcome, room=room, history=history_of("room", room_id)
    )


@bp.route("/rooms/<int:room_id>/delete", methods=["POST"])
@role_required(*PROGRAMME)
def delete_room(room_id: int) -> Response:
    room = _get(Room, room_id)
    edition_id = room.edition_id
    try:
        agenda_editing.delete_room(room, current_actor())
    except agenda_editing.RoomInUse:
        flash(
            _("Sessions still take place in this room. Move them to another room first."), "error"
        )
        return redirect(url_for("programme.edit_room", room_id=room_id))
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("programme.rooms", edition_id=edition_id))


# ---------------------------------------------------------------------------- sessions


@bp.route("/programme")
@role_required(*PROGRAMME)
def current_programme() -> Response:
    try:
        edition = current_edition()
    except EditionNotFound:
        return redirect(url_for("programme.editions"))
    return redirect(url_for("programme.sessions", edition_id=edition.id))


@bp.route("/editions/<int:edition_id>/sessions")
@role_required(*PROGRAMME)
def sessions(edition_id: int) -> str:
    edition = _get(Edition, edition_id)
    days = group_into_days(sessions_of(edition, include_unpublished=True), edition.timezone)
    conflicts = edition_conflicts(edition)
    in_conflict = {session.id for conflict in conflicts for session in conflict.sessions}
    return render_template(
        "admin/sessions.html", edition=edition, days=days, in_conflict=in_conflict
    )


def _session_form(edition: Edition, obj: Session | None = None) -> SessionForm:
    form = SessionForm(obj=obj, zone_name=edition.timezone)
    form.fill_choices(agenda_editing.rooms_of(edition))
    return form


@bp.route("/editions/<int:edition_id>/sessions/new", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def new_session(edition_id: int) -> Response | tuple[str, int]:
    edition = _get(Edition, edition_id)
    form = _session_form(edition)
    outcome = None
    if request.method == "GET":
        form.is_published.data = False
    if form.validate_on_submit():
        created: list[Session] = []
        try:
            outcome = _save(
                form,
                lambda: created.append(
                    agenda_editing.create_session(edition, form.values(), current_actor())
                ),
                lambda: session_conflicts(created[0]),
            )
        except agenda_editing.EndsBeforeStart:
            db.session.rollback()
            form.ends_at.errors.append(_("The end comes before the start."))
        if outcome and outcome.saved:
            return redirect(url_for("programme.edit_session", session_id=created[0].id))
    return _render_form(
        "admin/session_form.html", form, outcome, edition=edition, session=None, history=[]
    )


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def edit_session(session_id: int) -> Response | tuple[str, int]:
    session = _get(Session, session_id)
    edition = session.edition
    form = _session_form(edition, session)
    if request.method == "GET":
        form.version.data = str(session.version)
    outcome = None
    if form.validate_on_submit():
        updates: list[registration_staff.SessionUpdate] = []
        try:
            outcome = _save(
                form,
                # A raised capacity seats those waiting and mails them, in the same save.
                lambda: updates.append(
                    registration_staff.update_session(
                        session, form.values(), current_actor(), form.expected_version()
                    )
                ),
                lambda: session_conflicts(session),
            )
        except agenda_editing.EndsBeforeStart:
            db.session.rollback()
            form.ends_at.errors.append(_("The end comes before the start."))
        if outcome and outcome.saved:
            _flash_promoted(updates[0].promoted if updates else [])
            return redirect(url_for("programme.edit_session", session_id=session_id))
    session = _get(Session, session_id)
    return _render_form(
        "admin/session_form.html",
        form,
        outcome,
        edition=edition,
        session=session,
        current_conflicts=session_conflicts(session) if request.method == "GET" else [],
        history=history_of("session", session_id),
    )


def _flash_promoted(promoted: list[Seat]) -> None:
    if promoted:
        flash(
            ngettext(
                "%(num)d person on the waiting list got a seat and is told by e-mail.",
                "%(num)d people on the waiting list got a seat and are told by e-mail.",
                len(promoted),
            ),
            "success",
        )


@bp.route("/sessions/<int:session_id>/publish", methods=["POST"])
@role_required(*PROGRAMME)
def publish_session(session_id: int) -> Response:
    session = _get(Session, session_id)
    publish = request.form.get("publish") == "1"
    agenda_editing.set_session_published(session, publish, current_actor())
    db.session.commit()
    flash(_("Published.") if publish else _("Withdrawn from the public pages."), "success")
    return redirect(url_for("programme.edit_session", session_id=session_id))


@bp.route("/sessions/<int:session_id>/move", methods=["POST"])
@role_required(*PROGRAMME)
def move_session(session_id: int) -> Response:
    session = _get(Session, session_id)
    agenda_editing.move_session(
        session, -1 if request.form.get("direction") == "up" else 1, current_actor()
    )
    db.session.commit()
    return redirect(url_for("programme.sessions", edition_id=session.edition_id))


@bp.route("/sessions/<int:session_id>/delete", methods=["POST"])
@role_required(*PROGRAMME)
def delete_session(session_id: int) -> Response:
    session = _get(Session, session_id)
    edition_id = session.edition_id
    agenda_editing.delete_session(session, current_actor())
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("programme.sessions", edition_id=edition_id))


@bp.route("/sessions/<int:session_id>/preview")
@role_required(*PROGRAMME)
def preview_session(session_id: int) -> str:
    """The public session page as it will look, published or not (never cached)."""
    session = _get(Session, session_id)
    return render_template(
        "agenda/session.html", edition=session.edition, session=session, is_preview=True
    )


@bp.route("/editions/<int:edition_id>/conflicts")
@role_required(*PROGRAMME)
def conflicts(edition_id: int) -> str:
    edition = _get(Edition, edition_id)
    return render_template(
        "admin/conflicts.html", edition=edition, conflicts=edition_conflicts(edition)
    )


@bp.route("/conflicts")
@role_required(*PROGRAMME)
def current_conflicts() -> Response:
    try:
        edition = current_edition()
    except EditionNotFound:
        return redirect(url_for("programme.editions"))
    return redirect(url_for("programme.conflicts", edition_id=edition.id))


# ------------------------------------------------------------------------------- talks


def _talk_form(session: Session, obj: Talk | None = None) -> TalkForm:
    form = TalkForm(obj=obj, zone_name=session.edition.timezone)
    form.fill_choices()
    return form


def _posted_participants() -> list[tuple[int, str]]:
    """(speaker id, role) rows of the participants table, in row order, empty rows left out."""
    rows = []
    for index in range(PARTICIPANT_ROWS):
        speaker_id = id_from(request.form, f"participant-{index}-speaker")
        role = request.form.get(f"participant-{index}-role", "speaker")
        if speaker_id and db.session.get(Speaker, speaker_id) is not None:
            rows.append((speaker_id, role if role in dict(role_choices()) else "speaker"))
    return rows


@bp.route("/sessions/<int:session_id>/talks/new", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def new_talk(session_id: int) -> Response | tuple[str, int]:
    session = _get(Session, session_id)
    form = _talk_form(session)
    outcome = None
    if form.validate_on_submit():
        created: list[Talk] = []

        def apply() -> None:
            talk = agenda_editing.create_talk(session, form.values(), current_actor())
            agenda_editing.set_participants(talk, _posted_participants(), current_actor())
            created.append(talk)

        try:
            outcome = _save(form, apply, lambda: session_conflicts(session))
        except agenda_editing.EndsBeforeStart:
            db.session.rollback()
            form.ends_at.errors.append(_("The end comes before the start."))
        if outcome and outcome.saved:
            return redirect(url_for("programme.edit_session", session_id=session_id))
    return _render_form(
        "admin/talk_form.html",
        form,
        outcome,
        session=session,
        talk=None,
        history=[],
        **_participant_context(None),
    )


def _participant_context(talk: Talk | None) -> dict[str, Any]:
    if request.method == "POST":
        chosen = _posted_participants()
    else:
        chosen = [(part.speaker_id, part.role) for part in talk.participants] if talk else []
    rows = chosen + [(None, "speaker")] * (PARTICIPANT_ROWS - len(chosen))
    return {
        "participant_rows": rows[:PARTICIPANT_ROWS],
        "speakers": speaker_editing.all_speakers(current_language()),
        "roles": role_choices(),
    }


@bp.route("/talks/<int:talk_id>", methods=["GET", "POST"])
@role_required(*PROGRAMME)
def edit_talk(talk_id: int) -> Response | tuple[str, int]:
    talk = _get(Talk, talk_id)
    session = talk.session
    form = _talk_form(session, talk)
    if request.method == "GET":
        form.version.data = str(talk.version)
    outcome = None
    if form.validate_on_submit():

        def apply() -> None:
            agenda_editing.update_talk(
                talk, form.values(), current_actor(), form.expected_version()
            )
            agenda_editing.set_participants(talk, _posted_participants(), current_actor())

        try:
            outcome = _save(form, apply, lambda: session_conflicts(session))
        except agenda_editing.EndsBeforeStart:
            db.session.rollback()
            form.ends_at.errors.append(_("The end comes before the start."))
        if outcome and outcome.saved:
            return redirect(url_for("programme.edit_session", session_id=session.id))
    talk = _get(Talk, talk_id)
    return _render_form(
        "admin/talk_form.html",
        form,
        outcome,
        session=talk.session,
        talk=talk,
        history=history_of("talk", talk_id),
        **_participant_context(talk),
    )


@bp.route("/talks/<int:talk_id>/move", methods=["POST"])
@role_required(*PROGRAMME)
def move_talk(talk_id: int) -> Response:
    talk = _get(Talk, talk_id)
    agenda_editing.move_talk(
        talk, -1 if request.form.get("direction") == "up" else 1, current_actor()
    )
    db.session.commit()
    return redirect(url_for("programme.edit_session", session_id=talk.session_id))


@bp.route("/talks/<int:talk_id>/delete", methods=["POST"])
@role_required(*PROGRAMME)
def delete_talk(talk_id: int) -> Response:
    talk = _get(Talk, talk_id)
    session_id = talk.session_id
    agenda_editing.delete_talk(talk, current_actor())
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("programme.edit_session", session_id=session_id))


# ----------------------------------------------------------------------------- speakers


def _speaker_form(obj: Speaker | None = None) -> SpeakerForm:
    form = SpeakerForm(obj=obj)
    form.fill_choices(country_names())
    return form


def _uploaded_photo(form: SpeakerForm) -> bytes | None:
    upload = form.photo_upload.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    # Read one byte past the limit: enough to know it is too large, never the whole file.
    return upload.stream.read(MAX_UPLOAD_BYTES + 1)


@bp.route("/speakers")
@role_required(*PROGRAMME)
def speakers() -> str:
    return render_template(
        "admin/speakers.html", speakers=speaker_editing.all_speakers(current_language())
    )


# A photo at the upload limit and the rest of the form: a larger file still reaches the
# service, which refuses it with its own message and keeps what was typed.
PHOTO_REQUEST_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024


@bp.route("/speakers/new", methods=["GET", "POST"])
@role_required(*PROGRAMME)
@accepts_uploads(PHOTO_REQUEST_BYTES)
def new_speaker() -> Response | tuple[str, int]:
    form = _speaker_form()
    if request.method == "GET":
        form.is_published.data = False
    if form.validate_on_submit():
        try:
            photo = _uploaded_photo(form)
            speaker = speaker_editing.create_speaker(form.values(), current_actor())
            if photo is not None:
                speaker_editing.replace_photo(speaker, photo, photo_folder(), current_actor())
        except PhotoRejected as rejected:
            db.session.rollback()
            form.photo_upload.errors = [PHOTO_MESSAGES[rejected.reason]()]
        else:
            db.session.commit()
            _flash_saved(form)
            return redirect(url_for("programme.edit_speaker", speaker_id=speaker.id))
    return _render_form("admin/speaker_form.html", form, None, speaker=None, history=[])


@bp.route("/speakers/<int:speaker_id>", methods=["GET", "POST"])
@role_required(*PROGRAMME)
@accepts_uploads(PHOTO_REQUEST_BYTES)
def edit_speaker(speaker_id: int) -> Response | tuple[str, int]:
    speaker = _get(Speaker, speaker_id)
    form = _speaker_form(speaker)
    if request.method == "GET":
        form.version.data = str(speaker.version)
    outcome = None
    if form.validate_on_submit():

        def apply() -> None:
            photo = _uploaded_photo(form)
            speaker_editing.update_speaker(
                speaker, form.values(), current_actor(), form.expected_version()
            )
            if photo is not None:
                speaker_editing.replace_photo(speaker, photo, photo_folder(), current_actor())

        try:
            outcome = _save(form, apply)
        except PhotoRejected as rejected:
            db.session.rollback()
            form.photo_upload.errors = [PHOTO_MESSAGES[rejected.reason]()]
        if outcome and outcome.saved:
            return redirect(url_for("programme.edit_speaker", speaker_id=speaker_id))
    speaker = _get(Speaker, speaker_id)
    return _render_form(
        "admin/speaker_form.html",
        form,
        outcome,
        speaker=speaker,
        history=history_of("speaker", speaker_id),
    )


@bp.route("/speakers/<int:speaker_id>/publish", methods=["POST"])
@role_required(*PROGRAMME)
def publish_speaker(speaker_id: int) -> Response:
    speaker = _get(Speaker, speaker_id)
    publish = request.form.get("publish") == "1"
    speaker_editing.set_speaker_published(speaker, publish, current_actor())
    db.session.commit()
    flash(_("Published.") if publish else _("Withdrawn from the public pages."), "success")
    return redirect(url_for("programme.edit_speaker", speaker_id=speaker_id))


@bp.route("/speakers/<int:speaker_id>/delete", methods=["POST"])
@role_required(*PROGRAMME)
def delete_speaker(speaker_id: int) -> Response:
    speaker_editing.delete_speaker(_get(Speaker, speaker_id), current_actor())
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("programme.speakers"))


@bp.route("/speakers/<int:speaker_id>/preview")
@role_required(*PROGRAMME)
def preview_speaker(speaker_id: int) -> str:
    """The public profile as it will look, published or not (never cached)."""
    speaker = _get(Speaker, speaker_id)
    return render_template(
        "speakers/profile.html",
        speaker=speaker,
        appearances=appearances_of(speaker),
        is_preview=True,
    )
