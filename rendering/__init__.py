"""Turn config, history and incidents into the static site. Never touches the network.

`site` is the entry point (`build_site`): it prepares one `views.context.BuildContext` and
runs each output's writer (`site.WRITERS`) into a staging folder swapped in at the end.
The subpackages, by job: `text` imports no other part, `views` only `text`, and the writers
of each output (`api`, `feeds`, `pages`, `badges`, `hosting`) both and each other's parts,
never in a cycle (tests/test_layout.py checks it):

- `text`: text helpers (display formats, languages, Markdown, XML/SVG safety).
- `views`: the view models the templates and the other outputs are given.
- `api`: the files programs read (`api/v1/`, `api/v2/`, `metrics`).
- `feeds`: RSS, Atom, JSON Feed and the maintenance calendars.
- `pages`: the HTML pages, `status.txt`, `status-live.json`, reports and `widget.js`.
- `badges`: shields.io endpoint JSON and SVG badges.
- `hosting`: `_headers` and `_redirects` for Netlify and Cloudflare Pages.

`templates` and `locales` link to the top-level folders of the same names.
"""
