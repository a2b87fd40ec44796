"""Text from users and files, made safe to show inside an HTML widget.

Scenario titles, notes and file paths come from files a lecturer may have been sent by
someone else. A title such as ``<img src=x onerror=...>`` must show as those characters,
never run as markup. Every string that is not the package's own literal markup goes through
``text()`` (or ``code()``) before it reaches ``widgets.HTML.value`` or a ``_repr_html_``.
"""
from __future__ import annotations

import html


def text(value) -> str:
    """``value`` as HTML text: shown literally, whatever characters it holds."""
    return html.escape(str(value), quote=True)


def code(value) -> str:
    """``value`` (a path, an id) as literal text in a ``<code>`` element."""
    return f"<code>{text(value)}</code>"


__all__ = ["text", "code"]
