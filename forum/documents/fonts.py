"""Fonts for PDFs: find them, check that Chinese can be printed, measure names.

WeasyPrint draws with whatever fontconfig offers. Without a CJK font a Chinese name
comes out as empty boxes (tofu), so documents check first and refuse instead.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont

CJK_FAMILY = "Noto Sans CJK SC"
LATIN_FAMILY = "DejaVu Sans"
# The stack every document uses: Latin, Cyrillic and Arabic from DejaVu, the rest from CJK.
FONT_STACK = f'"{LATIN_FAMILY}", "{CJK_FAMILY}", sans-serif'


class MissingFont(RuntimeError):
    """A document needs a font this machine does not have."""


@dataclass(frozen=True)
class FontReport:
    cjk_file: Path | None
    latin_file: Path | None

    @property
    def is_complete(self) -> bool:
        return self.cjk_file is not None and self.latin_file is not None


def is_cjk(character: str) -> bool:
    """Han, kana, Hangul and full-width forms: what only a CJK font draws."""
    return unicodedata.east_asian_width(character) in ("W", "F")


def needs_cjk(text: str) -> bool:
    return any(is_cjk(character) for character in text)


@cache
def font_file(family: str, bold: bool = False) -> Path | None:
    """The file fontconfig uses for `family`, or None when it would substitute another."""
    match = _font_match(family, bold)
    return match[0] if match else None


@cache
def _font_match(family: str, bold: bool) -> tuple[Path, int] | None:
    """The file and face index fontconfig uses for `family` (a .ttc holds several faces)."""
    if shutil.which("fc-match") is None:
        return None
    pattern = f"{family}:weight=bold" if bold else family
    result = subprocess.run(
        ["fc-match", "--format=%{family}\n%{file}\n%{index}", pattern],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) < 2:
        return None
    families = [name.strip() for name in lines[0].split(",")]
    if family not in families:
        return None
    index = int(lines[2]) if len(lines) > 2 and lines[2].strip().isdigit() else 0
    return Path(lines[1]), index


def font_report() -> FontReport:
    """Which of the fonts the documents need are installed."""
    return FontReport(cjk_file=font_file(CJK_FAMILY), latin_file=font_file(LATIN_FAMILY))


def require_fonts_for(texts: list[str]) -> None:
    """Raise MissingFont when any text needs a CJK font and none is installed."""
    if any(needs_cjk(text) for text in texts if text) and font_file(CJK_FAMILY) is None:
        raise MissingFont(
            f"Chinese, Japanese or Korean text needs the {CJK_FAMILY} font, which is not "
            "installed; install the Debian package fonts-noto-cjk (make run does it as root)."
        )


@cache
def _pillow_font(family: str, bold: bool) -> ImageFont.FreeTypeFont | None:
    match = _font_match(family, bold)
    if match is None:
        return None
    path, index = match
    # Measuring at 100 px and scaling is exact enough and lets one font object serve all sizes.
    # The index picks the SC face of the .ttc: its punctuation (·, ：) is full width, the
    # JP face at index 0 draws some of it half width.
    return ImageFont.truetype(str(path), size=100, index=index)


def text_width_em(text: str, bold: bool = False, cjk_first: bool = False) -> float:
    """How wide `text` is, in ems, with the font each character will be drawn in.

    `cjk_first` is for text set in the CJK font first (a Chinese name), which then draws
    every character, the middle dot of 奥利弗·贝内特 included, full width.
    """
    latin = _pillow_font(LATIN_FAMILY, bold)
    cjk = _pillow_font(CJK_FAMILY, bold)
    width = 0.0
    for character in text:
        in_cjk_font = cjk_first or is_cjk(character)
        font = cjk if in_cjk_font else latin
        if font is None:
            width += 1.0 if in_cjk_font else 0.62
        else:
            width += font.getlength(character) / 100
    return width


def fitting_size(
    text: str,
    width_mm: float,
    largest_pt: float,
    smallest_pt: float,
    bold: bool = True,
    cjk_first: bool = False,
) -> float:
    """The largest font size (pt) at which `text` fits in one line of `width_mm`."""
    em = text_width_em(text, bold, cjk_first)
    if em == 0:
        return largest_pt
    width_pt = width_mm / 25.4 * 72
    # Rounded down to a tenth of a point: rounding up could push a long name past the edge.
    return math.floor(max(smallest_pt, min(largest_pt, width_pt / em)) * 10) / 10
