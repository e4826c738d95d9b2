"""Reading a PDF back the way a person, a printer or a desk scanner would: poppler and zbar."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Bidi controls that pdftotext puts around right-to-left runs.
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class EmbeddedFont:
    name: str
    kind: str
    is_embedded: bool


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def _run(*command: str | Path) -> str:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=True
    )
    return result.stdout


def info(pdf: Path) -> dict[str, str]:
    """What `pdfinfo` says, as a dict: Title, Pages, Page size..."""
    fields = {}
    for line in _run("pdfinfo", pdf).splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def page_count(pdf: Path) -> int:
    return int(info(pdf)["Pages"])


def page_size_pt(pdf: Path, page: int = 1) -> tuple[float, float]:
    output = _run("pdfinfo", "-f", str(page), "-l", str(page), pdf)
    match = re.search(rf"Page\s+{page} size:\s+([\d.]+) x ([\d.]+) pts", output)
    assert match, output
    return float(match.group(1)), float(match.group(2))


def text(pdf: Path, page: int | None = None) -> str:
    """The text `pdftotext` extracts, of one page or of all, without bidi controls."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", *pages, "-enc", "UTF-8", pdf, "-").translate(BIDI_CONTROLS)


def squeezed(value: str) -> str:
    """Text without any white space and in one case: line breaks in a PDF fall anywhere."""
    return "".join(value.split()).casefold()


def words(pdf: Path, page: int = 1) -> list[Word]:
    """Every word on a page with its box, in points from the top left corner."""
    output = _run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), pdf, "-")
    return [
        Word(text=body, x_min=float(x0), y_min=float(y0), x_max=float(x1), y_max=float(y1))
        for x0, y0, x1, y1, body in WORD.findall(output)
    ]


def fonts(pdf: Path) -> list[EmbeddedFont]:
    """The fonts `pdffonts` lists: name, type, and whether the file carries them."""
    lines = _run("pdffonts", pdf).splitlines()[2:]
    found = []
    for line in lines:
        parts = line.split()
        # name, type (one to three words), encoding, emb, sub, uni, object number, generation
        found.append(
            EmbeddedFont(name=parts[0], kind=" ".join(parts[1:-6]), is_embedded=parts[-5] == "yes")
        )
    return found


def qr_codes(pdf: Path, folder: Path, page: int = 1, dpi: int = 200) -> list[str]:
    """The QR codes zbar reads on a page rasterized at `dpi`, top to bottom."""
    image = folder / f"{pdf.stem}-page{page}-{dpi}"
    _run(
        "pdftoppm",
        "-r",
        str(dpi),
        "-png",
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        pdf,
        image,
    )
    # zbarimg exits 4 when it finds no code; that is an empty answer, not an error.
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", f"{image}.png"], capture_output=True, text=True, check=False
    )
    assert result.returncode in (0, 4), result.stderr
    return [line for line in result.stdout.splitlines() if line]


@dataclass(frozen=True)
class PrintedRun:
    """A run of text as the PDF draws it: the characters, its font and size (pt)."""

    text: str
    font: str
    size_pt: float
    x: float
    y: float


def printed_runs(pdf: Path, page: int = 1) -> list[PrintedRun]:
    """Every run of text on a page with the font that draws it (pypdf's text visitor)."""
    from pypdf import PdfReader

    runs: list[PrintedRun] = []

    def visit(text: str, _cm: list, tm: list, font: dict | None, size: float) -> None:
        if text.strip() and font is not None:
            # WeasyPrint writes sizes in CSS pixels under a 0.75 scale: 1 px is 0.75 pt.
            runs.append(PrintedRun(text, str(font["/BaseFont"]), size * 0.75, tm[4], tm[5]))

    PdfReader(pdf).pages[page - 1].extract_text(visitor_text=visit)
    return runs


def glyphless_characters(pdf: Path) -> list[tuple[str, str]]:
    """(character, font) for each printed character the font it is drawn in has no glyph for.

    Each embedded (subset) font program is read back with fontTools; its name table says
    which installed font it was cut from, and that font's character map must have every
    character drawn with it. (The subset's own map leaves out characters that are only
    reached through shaping, such as Arabic joining forms.) Tofu, or a character drawn in
    a font without it, shows up here.
    """
    from pypdf import PdfReader

    missing: list[tuple[str, str]] = []
    for page in PdfReader(pdf).pages:

        def visit(text: str, _cm: list, _tm: list, font: dict | None, _size: float) -> None:
            if not text.strip() or font is None:
                return
            covered = _source_characters(font)
            for character in text:
                kind = unicodedata.category(character)
                if character.isspace() or kind == "Cf":  # joiners, bidi marks: no glyph
                    continue
                # A control character is a glyph the PDF cannot map back to text: tofu.
                if kind[0] == "C" or ord(character) not in covered:
                    missing.append((character, str(font["/BaseFont"])))

        page.extract_text(visitor_text=visit)
    return missing


def _source_characters(font: dict) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in descriptor:
            program = TTFont(io.BytesIO(descriptor[key].get_object().get_data()))
            names = program["name"]
            family = names.getDebugName(16) or names.getDebugName(1)
            style = names.getDebugName(17) or names.getDebugName(2)
            return _installed_characters(family, style)
    return frozenset()  # not embedded: nothing is drawn from the file


@cache
def _installed_characters(family: str, style: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    found = _run("fc-match", "--format=%{family}\n%{file}\n%{index}", f"{family}:style={style}")
    families, file, index = found.splitlines()
    assert family in families.split(","), (family, families)
    program = TTFont(file, fontNumber=int(index), lazy=True)
    return frozenset(program.getBestCmap())
