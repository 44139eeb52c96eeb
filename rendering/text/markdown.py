"""Markdown from incident files to safe HTML: markdown-it-py renders, nh3 sanitises, so no
script, event handler or `javascript:` link written in a file can run on the page.

markdown-it's parser slows down quadratically on some hostile inputs (a megabyte of `[` takes
seconds), so a text longer than `MAX_MARKDOWN` is shown as escaped plain paragraphs instead:
the build stays fast whatever a file holds."""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_LINK_SCHEMES = {"http", "https", "mailto"}
MAX_MARKDOWN = 100_000  # characters rendered as markdown; beyond, plain text
_BLANK_LINES = re.compile(r"\n\s*\n")


def render_markdown(text: str) -> str:
    """Sanitised HTML for a markdown text; mark it safe only after this."""
    if len(text) > MAX_MARKDOWN:
        return "".join(f"<p>{html.escape(part.strip())}</p>\n" for part in _BLANK_LINES.split(text))
    return nh3.clean(
        _MARKDOWN.render(text),
        tags=_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes=_LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
