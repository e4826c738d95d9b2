"""HTML to PDF (WeasyPrint) and joining PDFs (pypdf), loaded when first used.

Both libraries take about half a second to import. Every web worker and every CLI command
would pay that at start-up although most of them never print anything, so the imports
happen inside these two functions, the only places that use them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

# The few HTML defaults badges use. WeasyPrint's own user-agent stylesheet (HTML5's, some
# 250 rules) is matched against every element; on a badge, of a few elements each, that
# matching was a sixth of the render time.
BADGE_USER_AGENT_CSS = """
html, body, section, div, p, header, footer { display: block; }
head, style, title, meta { display: none; }
span, img { display: inline; }
br::before { content: "\\A"; white-space: pre-line; }
"""


def html_to_pdf(html: str, user_agent_css: str | None = None) -> bytes:
    """A PDF of an HTML document whose assets are all inline.

    `user_agent_css` replaces WeasyPrint's default stylesheet, for documents that set
    everything they use themselves (badges).
    """
    from weasyprint import CSS, HTML

    if user_agent_css is None:
        return HTML(string=html).write_pdf()

    class Document(HTML):
        def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:  # WeasyPrint's hook
            return [CSS(string=user_agent_css)]

    return Document(string=html).write_pdf()


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
