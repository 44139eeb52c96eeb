"""The view models: what the templates, feeds, APIs and badges are given, prepared so that
templates only loop and test. Imports only `rendering.text`.

- `context`: `BuildContext`, everything one build is written from (prepared once), and the
  `Writer` signature each output's writer has.
- `entries`: one list of what happened (written incidents, maintenance, detected outages).
- `index`: `PageView`, the view model of the index page, and the status words.
- `detail`: the pages beyond the index (a monitor, an incident, history, maintenance).
- `segments`: the 90-day bar; `year`: a year of history as month grids.
- `chart`: the response-time chart of a monitor page (inline SVG).
- `budget`: the error budget of a monitor or group with an objective (`slo:`).
- `honesty`: the "detected … · first update …" line of a written incident.
"""
