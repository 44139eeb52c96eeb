"""Badges for READMEs and dashboards.

- `writer`: `write_badges`, shields.io endpoint JSON and SVG for the page and each monitor,
  and the snippets that embed them.
- `svg`: self-rendered SVG badges in the flat style, light and dark.
- `font`: the advance widths the badges measure their text with (generated; do not edit).
"""
