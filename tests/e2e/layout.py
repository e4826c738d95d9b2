"""What a person sees of a page's layout: whether it scrolls sideways, and why."""

from __future__ import annotations

from playwright.sync_api import Page


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the document is wider than the window (<= 0: no sideways scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def elements_past_right_edge(page: Page) -> list[str]:
    """The elements that stick out of the window on the right, to say why a page scrolls."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            const wide = [];
            for (const element of document.body.querySelectorAll("*")) {
                const right = element.getBoundingClientRect().right;
                if (right > width + 0.5) {
                    const classes = element.className && typeof element.className === "string"
                        ? "." + element.className.trim().split(/\\s+/).join(".") : "";
                    wide.push(`${element.tagName.toLowerCase()}${classes} (right ${right}px)`);
                }
            }
            return wide.slice(0, 10);
        }"""
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    overflow = horizontal_overflow(page)
    assert overflow <= 0, (
        f"{page.url} scrolls sideways by {overflow}px at {page.viewport_size}; "
        f"elements past the right edge: {elements_past_right_edge(page)}"
    )
