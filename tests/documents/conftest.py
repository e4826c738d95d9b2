"""Fixtures of the document tests: machines with fewer fonts, made real for a child process."""

from __future__ import annotations

import pytest

from forum.documents.fonts import CJK_FAMILY, FALLBACK_FAMILY, font_file

from .fontless import environment_with_fonts_of


@pytest.fixture(scope="session")
def without_cjk_font(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment variables under which fontconfig sees only the DejaVu fonts."""
    dejavu = font_file(FALLBACK_FAMILY)
    assert dejavu is not None, "DejaVu Sans is missing: make system-packages-test installs it"
    return environment_with_fonts_of([dejavu.parent], tmp_path_factory.mktemp("fontconfig"))


@pytest.fixture(scope="session")
def without_noto_core(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """fontconfig with DejaVu and Noto CJK but not fonts-noto-core: no Devanagari, no Thai."""
    dejavu, cjk = font_file(FALLBACK_FAMILY), font_file(CJK_FAMILY)
    assert dejavu is not None and cjk is not None, "make system-packages-test installs them"
    return environment_with_fonts_of([dejavu.parent, cjk.parent], tmp_path_factory.mktemp("fc"))
