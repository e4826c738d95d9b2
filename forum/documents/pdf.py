"""HTML to PDF (WeasyPrint) and joining PDFs (pypdf), loaded when first used.

Both libraries take about half a second to import. Every web worker and every CLI command
would pay that at start-up although most of them never print anything, so the imports
happen inside these two functions, the only places that use them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable


def html_to_pdf(html: str) -> bytes:
    """A PDF of an HTML document whose assets are all inline."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def join_pdfs(documents: Iterable[bytes], title: str) -> bytes:
    """One PDF with the pages of `documents` in order, titled `title`."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for document in documents:
        writer.append(io.BytesIO(document))
    writer.add_metadata({"/Title": title})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
