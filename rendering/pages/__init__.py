"""The HTML pages and the files written beside them.

- `writer`: `write_pages`, every page in every configured language (Jinja2 templates,
  overrides from the project's `templates/`), in worker processes on large sites.
- `live`: `status-live.json` (what the page's auto-refresh reads) and `status.txt`.
- `reports`: the monthly reports (`reports/`), their view model and files.
- `subscribe`: the view model of `/subscribe/`, every way to follow the page.
- `widget`: `write_widget`, the drop-in `widget.js` banner.
"""
