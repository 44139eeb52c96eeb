"""Text helpers every other part of `rendering` uses; they import nothing else of it.

- `display`: durations, percentages, times in the page's time zone, level colours.
- `i18n`: the page's languages (gettext catalogs in `locales/`, Babel formats): `Locale`.
- `markdown`: Markdown from incident files to sanitised HTML.
- `markup`: text made safe for XML (feeds) and SVG (badges), and links into the site.
"""
