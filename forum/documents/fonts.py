"""Fonts for PDFs: which installed font draws each character, what cannot be printed, widths.

WeasyPrint draws with whatever fontconfig offers, and a character no font has comes out
as an empty box (tofu) with no error. So documents ask first: fontconfig knows, from the
font files themselves, which characters each family of the stack covers (`%{charset}`),
and a text with a character none covers is refused with `MissingFont`, naming the script.
"""

from __future__ import annotations

import bisect
import math
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont

CJK_FAMILY = "Noto Sans CJK SC"
LATIN_FAMILY = "Noto Sans"
# Symbols and letters the Noto families leave out (arrows, some punctuation).
FALLBACK_FAMILY = "DejaVu Sans"
# The stack every document uses, in the order Pango tries them for each character:
# Noto Sans for Latin, Greek and Cyrillic, one Noto family per other script, then CJK.
FAMILIES = (
    LATIN_FAMILY,
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Noto Sans Thai",
    CJK_FAMILY,
    FALLBACK_FAMILY,
)
# Chinese text (a name_zh, a span with lang="zh-Hans") is set in the CJK font first, so
# its punctuation, the middle dot of 奥利弗·贝内特 included, is drawn full width.
CJK_FIRST_FAMILIES = (CJK_FAMILY, *(family for family in FAMILIES if family != CJK_FAMILY))
FONT_STACK = ", ".join(f'"{family}"' for family in FAMILIES) + ", sans-serif"
CJK_FONT_STACK = ", ".join(f'"{family}"' for family in CJK_FIRST_FAMILIES) + ", sans-serif"

# One sample per script the forum's attendees write in, for `flask forum doctor`.
SCRIPT_SAMPLES = {
    "Latin": "AaÉéŁłŐő",
    "Greek": "ΑαΩωάΰ",
    "Cyrillic": "АаЖжЯяЁё",
    "Arabic": "ابجدعربي",
    "Hebrew": "אבגדעברית",
    "Devanagari": "अनिल कुमार",
    "Thai": "สมชาย ใจดี",
    "Han": "汉字漢字张伟",
    "kana": "ひらがなカタカナ",
    "Hangul": "한글박서연",
}
# The Debian package that brings each script's font (as the Makefile installs them).
PACKAGES = {
    "Han": "fonts-noto-cjk",
    "kana": "fonts-noto-cjk",
    "Hangul": "fonts-noto-cjk",
}
DEFAULT_PACKAGE = "fonts-noto-core"
# Unicode name prefixes that name a script differently from its first word.
SCRIPT_NAMES = {
    "CJK": "Han",
    "IDEOGRAPHIC": "Han",
    "KANGXI": "Han",
    "HIRAGANA": "kana",
    "KATAKANA": "kana",
    "HALFWIDTH": "kana",
    "HANGUL": "Hangul",
    "FULLWIDTH": "full-width forms",
}

# In a character's Unicode name, the words before these name its script.
SCRIPT_WORDS = re.compile(
    r"^(.*?) (?:SMALL |CAPITAL )?(?:LETTER|SIGN|VOWEL|DIGIT|CHARACTER|SYLLABLE|LIGATURE|MARK)\b"
)


class MissingFont(RuntimeError):
    """A document has characters no installed font of the stack can draw."""

    def __init__(self, script: str, characters: str, owner: str = "") -> None:
        self.script = script
        self.characters = characters
        self.owner = owner
        package = PACKAGES.get(script, DEFAULT_PACKAGE)
        whose = f" for {owner}" if owner else ""
        super().__init__(
            f"Cannot print {script} text{whose} ({characters}): no installed font draws it. "
            f"Install the Debian package {package} (make run does it as root)."
        )


@dataclass(frozen=True)
class InstalledFamily:
    """One family of the stack as fontconfig has it: its file and the characters it draws."""

    family: str
    file: Path
    index: int
    range_starts: tuple[int, ...]
    range_ends: tuple[int, ...]

    def covers(self, character: str) -> bool:
        code = ord(character)
        position = bisect.bisect_right(self.range_starts, code) - 1
        return position >= 0 and code <= self.range_ends[position]


def script_of(character: str) -> str:
    """The script a character belongs to, as a reader names it (Devanagari, Han, kana)."""
    name = unicodedata.name(character, "")
    if not name:
        return f"U+{ord(character):04X}"
    first = name.split()[0]
    if first in SCRIPT_NAMES:
        return SCRIPT_NAMES[first]
    if unicodedata.category(character)[0] in "LM":
        # "OL CHIKI LETTER LA" is Ol Chiki, "GREEK SMALL LETTER ALPHA" is Greek.
        script = SCRIPT_WORDS.match(name)
        return (script.group(1) if script else first).title()
    return "punctuation and symbols"


def is_cjk(character: str) -> bool:
    """Han, kana, Hangul and full-width forms: what only a CJK font draws."""
    return unicodedata.east_asian_width(character) in ("W", "F")


def needs_cjk(text: str) -> bool:
    return any(is_cjk(character) for character in text)


def _is_printed(character: str) -> bool:
    # Spaces, line ends, joiners and bidi marks take no glyph of their own.
    return not (character.isspace() or unicodedata.category(character) in ("Cc", "Cf", "Zl"))


FC_MATCH_FORMAT = "--format=%{family}\n%{file}\n%{index}\n%{charset}"


@cache
def installed_family(family: str, bold: bool = False) -> InstalledFamily | None:
    """What fontconfig uses for `family`, or None when it would substitute another family.

    Asked lazily, family by family, as the characters of a text need them: a Latin or
    Chinese badge asks about two or three families, not the whole stack.
    """
    program = shutil.which("fc-match")
    if program is None:
        return None
    # close_fds=False lets Python use posix_spawn: forking a large process is slow.
    result = subprocess.run(
        [program, FC_MATCH_FORMAT, f"{family}:weight=bold" if bold else family],
        capture_output=True,
        text=True,
        check=False,
        close_fds=False,
    )
    return _parse_match(family, result.stdout, result.stderr, result.returncode)


def _parse_match(family: str, output: str, _errors: object, code: int) -> InstalledFamily | None:
    lines = output.splitlines()
    if code != 0 or len(lines) < 4:
        return None
    if family not in [name.strip() for name in lines[0].split(",")]:
        return None
    starts, ends = [], []
    for item in lines[3].split():
        first, _, last = item.partition("-")
        starts.append(int(first, 16))
        ends.append(int(last or first, 16))
    index = int(lines[2]) if lines[2].strip().isdigit() else 0
    return InstalledFamily(family, Path(lines[1]), index, tuple(starts), tuple(ends))


def font_file(family: str, bold: bool = False) -> Path | None:
    """The file fontconfig uses for `family`, or None when it would substitute another."""
    installed = installed_family(family, bold)
    return installed.file if installed else None


def family_for(character: str, cjk_first: bool = False) -> InstalledFamily | None:
    """The first family of the stack that draws `character`, as Pango picks it."""
    for name in CJK_FIRST_FAMILIES if cjk_first else FAMILIES:
        family = installed_family(name)
        if family is not None and family.covers(character):
            return family
    return None


def uncovered_scripts(text: str) -> dict[str, str]:
    """The characters of `text` no font of the stack draws, by script, in order of appearance."""
    missing: dict[str, str] = {}
    for character in dict.fromkeys(text):
        if _is_printed(character) and family_for(character) is None:
            script = script_of(character)
            missing[script] = missing.get(script, "") + character
    return missing


def require_fonts_for(texts: Iterable[str], owner: str = "") -> None:
    """Raise MissingFont naming the first script of `texts` that no installed font draws."""
    for text in texts:
        missing = uncovered_scripts(text) if text else {}
        for script, characters in missing.items():
            raise MissingFont(script, characters, owner)


def unprintable_scripts() -> dict[str, str]:
    """The scripts of SCRIPT_SAMPLES this machine cannot print, with the package to install."""
    return {
        script: PACKAGES.get(script, DEFAULT_PACKAGE)
        for script, sample in SCRIPT_SAMPLES.items()
        if uncovered_scripts(sample)
    }


@cache
def _pillow_font(family: str, bold: bool) -> ImageFont.FreeTypeFont | None:
    installed = installed_family(family, bold)
    if installed is None:
        return None
    # Measuring at 100 px and scaling is exact enough and lets one font object serve all sizes.
    # The index picks the SC face of the .ttc: its punctuation (·, ：) is full width, the
    # JP face at index 0 draws some of it half width.
    return ImageFont.truetype(str(installed.file), size=100, index=installed.index)


@cache
def _character_width_em(character: str, bold: bool, cjk_first: bool) -> float:
    family = family_for(character, cjk_first)
    font = _pillow_font(family.family, bold) if family else None
    if font is None:
        return 1.0 if is_cjk(character) else 0.62
    return font.getlength(character) / 100


def text_width_em(text: str, bold: bool = False, cjk_first: bool = False) -> float:
    """How wide `text` is, in ems, with the font each character will be drawn in.

    Advance widths without kerning or shaping: a little wider than Pango sets Latin text,
    which errs on the side of fitting.
    """
    return sum(_character_width_em(character, bold, cjk_first) for character in text)


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
