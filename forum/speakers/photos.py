"""Speaker photos: uploads are decoded and re-encoded, never stored as sent.

Re-encoding with Pillow drops whatever else the file carried (EXIF with GPS positions,
scripts in crafted files); a random name means nobody can guess or overwrite a photo.
"""

from __future__ import annotations

import io
import secrets
import warnings
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Pixels we agree to decode: a 5 MB file may claim a gigapixel (a decompression bomb).
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
LONGEST_SIDE = 800


def photo_folder() -> Path:
    """Where photos live: SPEAKER_PHOTO_DIR, else instance/media/speakers."""
    configured = current_app.config.get("SPEAKER_PHOTO_DIR")
    return (
        Path(configured) if configured else Path(current_app.instance_path) / "media" / "speakers"
    )


class PhotoRejected(ValueError):
    """An upload that is not a photo we keep; `reason` says which rule it broke."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def store_photo(data: bytes, folder: Path) -> str:
    """Check, re-encode and store an uploaded photo; returns its new file name.

    Raises PhotoRejected with reason "too_large", "not_an_image", "wrong_format" or
    "too_many_pixels".
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRejected("too_large")
    image = _decoded(data)
    image = ImageOps.exif_transpose(image)  # keep the orientation EXIF said, then drop EXIF
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    name = f"{secrets.token_hex(16)}.webp"
    folder.mkdir(parents=True, exist_ok=True)
    output = io.BytesIO()
    image.save(output, format="WEBP", quality=85)
    (folder / name).write_bytes(output.getvalue())
    return name


def _decoded(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow warns above MAX_IMAGE_PIXELS and raises at twice that; we refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoRejected("wrong_format")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRejected("too_many_pixels")
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoRejected("too_many_pixels") from None
        except UnidentifiedImageError:
            raise PhotoRejected("not_an_image") from None
        except (OSError, SyntaxError, ValueError) as error:
            if isinstance(error, PhotoRejected):
                raise
            raise PhotoRejected("not_an_image") from None
    return image
