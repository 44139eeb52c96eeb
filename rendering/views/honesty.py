"""The honesty line of a written incident: when the checks first saw the problem, and how long
after (or before) that people first said so, e.g. "Detected 14:05 by 3 regions · first update
14:11, 6 min later". The facts are `entries.Detection`; this words them in the page's
language, times in `site.timezone` inside `<time datetime=…>` elements.

The gap is counted between the minutes shown, so the line never contradicts itself (14:05:50
and 14:11:10 read "14:05", "14:11", "6 min later"). Times are clock times when both fall on
one local day, else dates with times. An incident the checks did not see says "Not detected
by checks" where its monitors were watched that day, and nothing where nobody knows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from markupsafe import Markup

from configuration.times import utc_iso
from rendering.text.i18n import Locale
from rendering.views.entries import Detection

SEPARATOR = " · "


def honesty_line(detection: Detection | None, locale: Locale) -> Markup:
    """The line as safe HTML (its words from the catalogs, times escaped); empty for none."""
    if detection is None:
        return Markup("")
    if detection.detected_at is None:
        return Markup(locale.gettext("Not detected by checks")) if detection.watched else Markup("")
    detected, first = detection.detected_at, detection.first_update_at
    same_day = _local(detected, locale).date() == _local(first, locale).date()
    seen = _seen(len(detection.regions), _time(detected, locale, same_day), locale)
    minutes = round((_minute(first, locale) - _minute(detected, locale)) / timedelta(minutes=1))
    posted = _time(first, locale, same_day)
    if minutes == 0:
        said = Markup(locale.gettext("first update %(time)s, the same minute")) % {"time": posted}
    else:
        later = locale.gettext("first update %(time)s, %(gap)s later")
        earlier = locale.gettext("first update %(time)s, %(gap)s before detection")
        gap = locale.duration(abs(minutes) * 60)
        said = Markup(later if minutes > 0 else earlier) % {"time": posted, "gap": gap}
    return seen + SEPARATOR + said


def _seen(regions: int, shown: Markup, locale: Locale) -> Markup:
    if not regions:
        return Markup(locale.gettext("Detected %(time)s")) % {"time": shown}
    words = locale.ngettext(
        "Detected %(time)s by %(count)s region", "Detected %(time)s by %(count)s regions", regions
    )
    return Markup(words) % {"time": shown, "count": locale.number(regions)}


def _time(moment: datetime, locale: Locale, clock_only: bool) -> Markup:
    text = locale.time(moment) if clock_only else locale.datetime(moment)
    return Markup('<time datetime="{}">{}</time>').format(utc_iso(moment), text)


def _local(moment: datetime, locale: Locale) -> datetime:
    return moment.astimezone(locale.zone)


def _minute(moment: datetime, locale: Locale) -> datetime:
    """The minute shown: seconds dropped (in the page's zone, where a minute may not be UTC's
    for zones offset by seconds)."""
    return _local(moment, locale).replace(second=0, microsecond=0)
