"""Speaker photo uploads: re-encoded without EXIF under a random name, or refused clearly."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import make_speaker
from flask import Flask
from PIL import Image

from forum.extensions import db
from forum.speakers.models import Speaker

from .conftest import LoginAs


@pytest.fixture
def photo_dir(app: Flask, tmp_path: Path) -> Iterator[Path]:
    saved = app.config.get("SPEAKER_PHOTO_DIR")
    app.config["SPEAKER_PHOTO_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["SPEAKER_PHOTO_DIR"] = saved


@pytest.fixture
def speaker(changes_data: Flask) -> Speaker:
    speaker = make_speaker(country="CN")
    db.session.commit()
    return speaker


def _jpeg_with_gps(size: tuple[int, int] = (2400, 1600)) -> bytes:
    image = Image.new("RGB", size, (180, 40, 30))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x8825] = {2: (39.0, 54.0, 27.0)}  # GPSInfo: a latitude
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def _upload(client, speaker: Speaker, data: bytes, filename: str, lang: str = "en"):
    return client.post(
        f"/{lang}/admin/speakers/{speaker.id}",
        data={
            "version": str(speaker.version),
            "family_name": speaker.family_name,
            "given_name": speaker.given_name,
            "country": "CN",
            "bio-en": "Typed before the upload",
            "photo_upload": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )


def test_a_photo_is_re_encoded_resized_stripped_of_exif_and_renamed(
    login_as: LoginAs, speaker: Speaker, photo_dir: Path
) -> None:
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the upload does carry EXIF

    response = _upload(login_as("organizer"), speaker, original, "holiday.jpg")

    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(speaker)
    assert speaker.photo.endswith(".webp") and "holiday" not in speaker.photo
    stored = Image.open(photo_dir / speaker.photo)
    assert stored.format == "WEBP"
    assert max(stored.size) == 800
    assert not stored.getexif()
    assert b"Camera maker" not in (photo_dir / speaker.photo).read_bytes()


def _png_bomb() -> bytes:
    """A small file that claims 20000 x 20000 pixels."""
    output = io.BytesIO()
    Image.new("1", (20000, 20000)).save(output, format="PNG")
    return output.getvalue()


def _gif() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (10, 10)).save(output, format="GIF")
    return output.getvalue()


@pytest.mark.parametrize(
    ("make_data", "filename", "message"),
    [
        (lambda: b"%PDF-1.7 not a photo", "cv.jpg", "This file is not an image we can read."),
        (_gif, "moving.gif", "Only JPEG, PNG and WebP photos are accepted."),
        (_png_bomb, "bomb.png", "This image has far too many pixels to be a photo."),
        (lambda: b"\xff\xd8" + b"0" * (5 * 1024 * 1024), "huge.jpg", "larger than 5 MB"),
    ],
    ids=["not-an-image", "wrong-format", "decompression-bomb", "over-5-mb"],
)
def test_a_rejected_upload_says_why_and_keeps_what_was_typed(
    login_as: LoginAs,
    speaker: Speaker,
    photo_dir: Path,
    make_data,
    filename: str,
    message: str,
) -> None:
    response = _upload(login_as("organizer"), speaker, make_data(), filename)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert "Typed before the upload" in page
    db.session.refresh(speaker)
    assert speaker.photo is None
    assert list(photo_dir.iterdir()) == []


def test_a_rejected_upload_is_explained_in_chinese(
    login_as: LoginAs, speaker: Speaker, photo_dir: Path
) -> None:
    response = _upload(login_as("organizer"), speaker, b"nope", "x.png", lang="zh")

    assert "无法读取此文件，它不是图片。" in response.get_data(as_text=True)
