"""Markdown from incident files to safe HTML: markdown-it-py renders, nh3 sanitises, so no
script, event handler or `javascript:` link written in a file can run on the page."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_LINK_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Sanitised HTML for a markdown text; mark it safe only after this."""
    html = _MARKDOWN.render(text)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes=_LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
