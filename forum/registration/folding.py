"""Text folded for search: lower case, no accents, one space between words.

`Nguyễn` and `NGUYEN` both fold to `nguyen`, so a desk clerk without a Vietnamese
keyboard finds the attendee. Chinese characters are kept as they are.
"""

from __future__ import annotations

import unicodedata

# Letters that carry no combining mark to strip under NFKD, spelled as people type them.
_PLAIN_LETTERS = str.maketrans(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)


def fold(text: str) -> str:
    """`  Nguyễn  Thị ` as `nguyen thi`: case-, accent- and spacing-insensitive."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(bare.translate(_PLAIN_LETTERS).split())


def search_text(
    *,
    given_name: str,
    family_name: str,
    name_zh: str | None,
    email: str,
    organization: str,
) -> str:
    """What a registration's `search_text` column holds: every field the list searches by.

    The reference is not in it: it is matched exactly, with or without the dash.
    """
    parts = [given_name, family_name, name_zh or "", email, organization]
    return fold(" ".join(part for part in parts if part))
