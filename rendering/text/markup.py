"""Text made safe for XML (feeds) and SVG (badges).

XML 1.0 cannot carry most control characters at all, not even escaped, and lxml refuses
them; so text from config and incident files is first cleaned of them, then escaped.
"""

from __future__ import annotations

import html
import re

# Everything XML 1.0 does not allow: C0 controls but tab, newline and return; lone
# surrogates; U+FFFE and U+FFFF. C1 controls (U+0080-U+009F) are allowed but invisible
# and discouraged, so they go too.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML cannot carry (nothing else changes)."""
    return _NOT_XML.sub("", text)


def xml_escape(text: str) -> str:
    """`text` cleaned and escaped for XML/HTML element content and quoted attributes."""
    return html.escape(xml_safe(text), quote=True)


def site_link(site_url: str | None, path: str) -> str:
    """The absolute URL of `path` (relative to the site root) under `site.url`; a
    root-relative path when the page has no url configured."""
    base = site_url.rstrip("/") if site_url else ""
    return f"{base}/{path}"
