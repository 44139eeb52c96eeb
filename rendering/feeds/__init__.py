"""What feed readers and calendar apps subscribe to.

- `items`: which entries a feed lists, as `FeedItem`s (decided once for all formats).
- `writer`: `write_feeds`, RSS 2.0, Atom 1.0 and JSON Feed 1.1, for the page and each monitor.
- `calendar`: `write_calendars`, the maintenance calendars (`maintenance.ics`, RFC 5545).
"""
