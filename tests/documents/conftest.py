"""Fixtures of the document tests."""

from __future__ import annotations

import pytest

from forum.documents.fonts import LATIN_FAMILY, font_file

from .fontless import environment_with_fonts_of


@pytest.fixture(scope="session")
def without_cjk_font(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment variables under which fontconfig sees only the DejaVu fonts."""
    latin = font_file(LATIN_FAMILY)
    assert latin is not None, "DejaVu Sans is missing: make system-packages-test installs it"
    return environment_with_fonts_of(latin.parent, tmp_path_factory.mktemp("fontconfig"))
