"""Reading a rendered form back: what each field shows, its options, its errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class RenderedForm:
    # Text inputs and textareas by name; checked boxes and radios by name; selects by name.
    values: dict[str, str] = field(default_factory=dict)
    checked: dict[str, list[str]] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)
    selected: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # Error texts by field name, from <ul class="field-errors" id="<name>-errors">.
    errors: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.form = RenderedForm()
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None
        self._textarea: str | None = None
        self._errors: str | None = None
        self._label: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name", "")
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if kind == "radio":
                    self.form.radios.setdefault(name, []).append(attributes.get("value", ""))
                if "checked" in attributes:
                    self.form.checked.setdefault(name, []).append(attributes.get("value", ""))
            elif kind != "submit":
                self.form.values[name] = attributes.get("value", "")
        elif tag == "select":
            self._select = name
            self.form.options[name] = []
        elif tag == "option" and self._select is not None:
            self._option = (attributes.get("value", ""), "selected" in attributes)
            self._text = []
        elif tag == "textarea":
            self._textarea = name
            self._text = []
        elif tag == "ul" and "field-errors" in attributes.get("class", ""):
            self._errors = attributes.get("id", "").removesuffix("-errors")
            self.form.errors[self._errors] = []
        elif tag == "li" and self._errors is not None:
            self._text = []
        elif tag == "label" and "for" in attributes:
            self._label = attributes["for"]
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select is not None:
            value, is_selected = self._option
            self.form.options[self._select].append((value, "".join(self._text).strip()))
            if is_selected:
                self.form.selected[self._select] = value
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # Browsers drop one newline right after <textarea>; so does this reader.
            self.form.values[self._textarea] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None
        elif tag == "li" and self._errors is not None:
            self.form.errors[self._errors].append("".join(self._text).strip())
        elif tag == "ul" and self._errors is not None:
            self._errors = None
        elif tag == "label" and self._label is not None:
            self.form.labels[self._label] = " ".join("".join(self._text).split())
            self._label = None

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def read_form(html: str) -> RenderedForm:
    """What a page's form fields show, as a browser would fill them in."""
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    return reader.form
