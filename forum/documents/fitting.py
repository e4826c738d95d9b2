"""Fitting a badge's texts into its fixed boxes: line breaks, sizes, ellipses, direction.

WeasyPrint would let a long text flow onto a second page, so the badge decides first:
it measures each text with the fonts that will draw it (fonts.text_width_em), wraps it
the way Pango does (greedily, at spaces and between CJK characters), and picks sizes
and line counts so that everything fits the box. Measured widths are a little wider
than Pango's (no kerning) and padded further, so the PDF never needs more lines than
counted here. Names shrink but are never cut; other texts shrink to a floor and are
then cut with an ellipsis.
"""

from __future__ import annotations

import itertools
import unicodedata
from functools import lru_cache

from forum.documents.fonts import is_cjk, text_width_em

PT_PER_MM = 72 / 25.4
# Measured widths are padded by this much, for kerning, shaping and rounding differences
# (Pillow's advance widths of Noto Sans came within 0.5 % of the PDF's).
SAFETY = 1.02
ELLIPSIS = "…"
# Where a Chinese (or transliterated foreign) name may break: after its middle dots and
# hyphens, never inside a name part.
NAME_BREAKS = "·•・‧-‐"


def width_pt(text: str, size_pt: float, bold: bool, cjk_first: bool = False) -> float:
    return text_width_em(text, bold, cjk_first) * size_pt * SAFETY


@lru_cache(maxsize=4096)
def _pieces(text: str, bold: bool) -> tuple[tuple[str, float, float], ...]:
    """The units a line may break after, with their width and that of a trailing space (em).

    Words end with their space or hyphen; CJK characters are units of their own.
    """
    pieces: list[str] = []
    current = ""
    for character in text:
        if is_cjk(character):
            if current:
                pieces.append(current)
            pieces.append(character)
            current = ""
        elif character in " -":
            # Pango breaks after a space and after a hyphen (Montgomery-|Wellington).
            current += character
            pieces.append(current)
            current = ""
        else:
            current += character
    if current:
        pieces.append(current)
    return tuple(
        (
            piece,
            text_width_em(piece, bold),
            text_width_em(" ", bold) if piece.endswith(" ") else 0.0,
        )
        for piece in pieces
    )


@lru_cache(maxsize=16384)
def wrap(text: str, size_pt: float, box_pt: float, bold: bool = False) -> tuple[str, ...]:
    """`text` broken into lines no wider than `box_pt`, first fit, words split if they must."""
    limit = box_pt / (size_pt * SAFETY)
    lines: list[str] = []
    line, line_em = "", 0.0
    for piece, piece_em, space_em in _pieces(text, bold):
        if line_em + piece_em - space_em <= limit:
            line, line_em = line + piece, line_em + piece_em
            continue
        if line:
            lines.append(line.rstrip())
            line, line_em = "", 0.0
        if piece_em - space_em <= limit:
            line, line_em = piece, piece_em
            continue
        # A word wider than the box is split anywhere (the CSS says overflow-wrap: anywhere).
        for character in piece:
            character_em = text_width_em(character, bold)
            if line and line_em + character_em > limit:
                lines.append(line.rstrip())
                line, line_em = "", 0.0
            line, line_em = line + character, line_em + character_em
    if line.strip():
        lines.append(line.rstrip())
    return tuple(lines)


def ellipsized(text: str, size_pt: float, box_pt: float, max_lines: int, bold: bool) -> str:
    """`text`, cut with an ellipsis where needed so it takes at most `max_lines` lines."""
    if len(wrap(text, size_pt, box_pt, bold)) <= max_lines:
        return text
    low, high = 0, len(text)
    # The longest prefix that still fits once the ellipsis is added.
    while low < high:
        middle = (low + high + 1) // 2
        if len(wrap(text[:middle].rstrip() + ELLIPSIS, size_pt, box_pt, bold)) <= max_lines:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


@lru_cache(maxsize=4096)
def name_lines(name: str, size_pt: float, box_pt: float) -> tuple[str, ...]:
    """A Chinese name in as few lines as fit at `size_pt`, broken after its middle dots.

    Lines are balanced (the widest is as narrow as possible); a name with no middle dot
    or hyphen breaks between characters.
    """
    cuts = [i + 1 for i, character in enumerate(name[:-1]) if character in NAME_BREAKS]
    if not cuts:
        cuts = list(range(1, len(name)))
    # Widths at 1 pt from the start of the name: a line's width is a difference of two.
    offsets = list(itertools.accumulate((text_width_em(c, True, True) for c in name), initial=0))
    limit = box_pt / (size_pt * SAFETY)
    best: tuple[int, ...] = ()
    for count in range(1, min(len(cuts) + 1, 6) + 1):
        best = _balanced_cuts(offsets, tuple(cuts), count)
        bounds = (0, *best, len(name))
        if max(offsets[b] - offsets[a] for a, b in itertools.pairwise(bounds)) <= limit:
            break
    bounds = (0, *best, len(name))
    return tuple(name[a:b] for a, b in itertools.pairwise(bounds))


def _balanced_cuts(offsets: list[float], cuts: tuple[int, ...], count: int) -> tuple[int, ...]:
    if count == 1:
        return ()
    end = len(offsets) - 1
    if len(cuts) > 12:  # a name without dots: even chunks are as good as any
        return tuple(round(end / count * i) for i in range(1, count))
    best: tuple[int, ...] = ()
    best_width = float("inf")
    for chosen in itertools.combinations(cuts, count - 1):
        bounds = (0, *chosen, end)
        widest = max(offsets[b] - offsets[a] for a, b in itertools.pairwise(bounds))
        if widest < best_width:
            best, best_width = chosen, widest
    return best


def direction(text: str) -> str:
    """'rtl' when the first strong character is Arabic or Hebrew, else 'ltr'."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


# Greek accents that capitals drop (tonos, oxia, varia, perispomeni, breathings, iota).
GREEK_DROPPED_ACCENTS = frozenset("\u0301\u0300\u0342\u0313\u0314\u0345\u0344")
DIAERESIS = "\u0308"
GREEK_VOWELS_TAKING_DIAERESIS = frozenset("ιυΙΥ")


def upper(text: str, country: str = "") -> str:
    """Capitals as the writer's language has them.

    Greek capitals carry no accents (Παπαδοπούλου → ΠΑΠΑΔΟΠΟΥΛΟΥ), but an accented vowel
    before ι or υ shows that they are not a diphthong, so that ι or υ keeps a diaeresis
    (Μαΐου → ΜΑΪΟΥ, Κάιρο → ΚΑΪΡΟ). Turkish and Azerbaijani i is İ.
    """
    if country in ("TR", "AZ"):
        text = text.replace("i", "İ")
    if not any("GREEK" in unicodedata.name(character, "") for character in text):
        return text.upper()
    decomposed = unicodedata.normalize("NFD", text)
    result: list[str] = []
    accent_pending = False
    for character in decomposed:
        if character in GREEK_DROPPED_ACCENTS:
            # The accent's vowel is already in `result`; a following ι/υ needs a diaeresis.
            accent_pending = character in "\u0301\u0300\u0342"
            continue
        if unicodedata.combining(character):
            result.append(character)
            continue
        if accent_pending and character in GREEK_VOWELS_TAKING_DIAERESIS and _is_two_vowels(result):
            result.append(character.upper() + DIAERESIS)
        else:
            result.append(character.upper())
        accent_pending = False
    return unicodedata.normalize("NFC", "".join(result))


def _is_two_vowels(before: list[str]) -> bool:
    # Only a vowel carrying the accent (ά before ι) splits the pair; ού is one sound.
    previous = before[-1] if before else ""
    return previous.upper() in "ΑΕΗΟΩ" and previous != ""
