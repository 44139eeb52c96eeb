"""The view model of `/subscribe/`: every way to follow the page and each monitor. Feeds
and calendars are files of the build (`rendering.feeds.writer`, `rendering.feeds.calendar`);
the chat and push channels are the `notifications:` entries marked `public: true`, with
their `join_url`; the badge and widget snippets are absolute when `site.url` is known."""

from __future__ import annotations

from dataclasses import dataclass

from configuration.models import Config
from rendering.feeds.calendar import webcal_link
from rendering.pages.live import WIDGET_FILE
from rendering.text.markup import site_link


@dataclass(frozen=True)
class MonitorSubscription:
    name: str
    folder: str  # its files below the site's root: `monitors/<id>/`
    calendar: str  # its calendar's `webcal://` link; "" without `site.url`
    badge: str  # its status badge's address, absolute when `site.url` is known


@dataclass(frozen=True)
class ChannelLink:
    text: str  # `join_text`, else the channel's type
    url: str  # `join_url`


@dataclass(frozen=True)
class SubscribePage:
    calendar: str  # the page's calendar as `webcal://`; "" without `site.url`
    monitors: list[MonitorSubscription]
    channels: list[ChannelLink]  # the public notification channels
    badge_markdown: str  # the page's status badge, for a README
    widget_html: str  # the widget's `<script>` tag


def subscribe_page(config: Config) -> SubscribePage:
    site = config.site
    monitors = [
        MonitorSubscription(
            name=monitor.name,
            folder=f"monitors/{monitor.id}/",
            calendar=webcal_link(site.url, f"monitors/{monitor.id}/"),
            badge=site_link(site.url, f"badges/{monitor.id}/status.svg"),
        )
        for monitor in config.monitors
        if monitor.public
    ]
    channels = [
        ChannelLink(text=channel.join_text or channel.type.replace("_", " ").title(), url=url)
        for channel in config.notifications
        if channel.public and (url := channel.join_url)
    ]
    title = site.title.replace("[", "").replace("]", "")
    return SubscribePage(
        calendar=webcal_link(site.url),
        monitors=monitors,
        channels=channels,
        badge_markdown=f"[![{title}]({site_link(site.url, 'badges/status.svg')})]"
        f"({site_link(site.url, '')})",
        widget_html=f'<script src="{site_link(site.url, WIDGET_FILE)}" async></script>',
    )
