"""config.yaml: every problem at once, each located and worded for the person who wrote it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from configuration.errors import ConfigError, Problem
from configuration.incidents import load_incidents
from configuration.loader import load_config_text
from configuration.secrets import needed_secrets
from tests.conftest import SMALL_CONFIG


def problems_of(text: str, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, "config.yaml", environ or {})
    return [str(problem) for problem in caught.value.problems]


def test_small_config_loads_with_defaults_applied() -> None:
    config = load_config_text(SMALL_CONFIG, environ={})
    api = config.monitor("api")
    assert api.interval == timedelta(hours=1)
    assert api.timeout == timedelta(seconds=10)
    assert config.regions_for(api) == ["eu-west", "us-east", "ap-south"]


def test_defaults_fill_what_a_monitor_leaves_out_but_never_override() -> None:
    text = SMALL_CONFIG.replace("monitors:", "defaults:\n  retries: 2\n  timeout: 3s\nmonitors:")
    text = text.replace("    port: 5432\n", "    port: 5432\n    retries: 0\n")
    config = load_config_text(text, environ={})
    assert config.monitor("api").retries == 2
    assert config.monitor("api").timeout == timedelta(seconds=3)
    assert config.monitor("db").retries == 0


def test_a_bad_duration_is_located_and_explained() -> None:
    text = SMALL_CONFIG.replace("    interval: 1h\n  - id: db", "    timeout: ten\n  - id: db", 1)
    text = text.replace("    interval: 1h\n", "", 1)
    assert problems_of(text) == [
        'config.yaml:17:14: monitors[0].timeout: expected a duration like "10s", got "ten"'
    ]


def test_three_mistakes_give_three_located_problems() -> None:
    text = (
        SMALL_CONFIG.replace("  timezone: UTC", "  timezon: UTC")
        .replace("    port: 5432", "    port: 70000")
        .replace("    group: api", "    group: apis")
    )
    assert problems_of(text) == [
        'config.yaml:4:3: site.timezon: unknown key "timezon", did you mean "timezone"?',
        'config.yaml:14:12: monitors[0].group: unknown group "apis", did you mean "api"?',
        "config.yaml:22:11: monitors[1].port: expected a number <= 65535, got 70000",
    ]


def test_references_duplicates_and_timeouts_are_checked() -> None:
    text = SMALL_CONFIG + (
        "  - id: api\n"
        "    name: Again\n"
        "    type: tcp\n"
        "    host: x\n"
        "    port: 1\n"
        "    regions: [eu-wset]\n"
        "    interval: 30s\n"
        "    timeout: 1m\n"
    )
    assert problems_of(text) == [
        'config.yaml:24:9: monitors[2].id: duplicate id "api", already used by monitors[0]',
        'config.yaml:29:15: monitors[2].regions[0]: unknown region "eu-wset", '
        'did you mean "eu-west"?',
        "config.yaml:31:14: monitors[2].timeout: timeout 1m is longer than the interval 30s; "
        "a check must end before the next one starts",
    ]


def test_an_unknown_check_type_lists_the_known_ones() -> None:
    [problem] = problems_of(SMALL_CONFIG.replace("type: tcp", "type: tpc"))
    assert problem.startswith("config.yaml:20:11: monitors[1].type: expected one of ")
    assert '"tcp"' in problem and problem.endswith('got "tpc"')


def test_missing_keys_and_wrong_types() -> None:
    text = SMALL_CONFIG.replace("    url: https://api.example.com/health\n", "").replace(
        "    port: 5432", '    port: "five"'
    )
    assert problems_of(text) == [
        "config.yaml:12:5: monitors[0].url: required key is missing",
        'config.yaml:21:11: monitors[1].port: expected a whole number, got "five"',
    ]


def test_a_condition_with_a_typo_is_a_config_error() -> None:
    text = SMALL_CONFIG.replace(
        "    interval: 1h\n", '    interval: 1h\n    conditions: ["[STAUS] == 200"]\n', 1
    )
    [problem] = problems_of(text)
    assert problem.startswith("config.yaml:18:18: monitors[0].conditions[0]: unknown placeholder")
    assert 'did you mean "[STATUS]"?' in problem


def test_yaml_syntax_error_is_located() -> None:
    [problem] = problems_of("site:\n  title: [unclosed\nregions: []\n")
    assert problem.startswith("config.yaml:3:")
    assert "invalid YAML" in problem


def test_a_key_written_twice_is_an_error() -> None:
    [problem] = problems_of(
        SMALL_CONFIG.replace("  title: Example Status", "  title: A\n  title: B")
    )
    assert problem == "config.yaml:4:3: site.title: key is written twice"


def test_environment_variables_are_interpolated_and_remembered_as_secrets() -> None:
    text = SMALL_CONFIG.replace(
        "    interval: 1h\n",
        '    interval: 1h\n    headers: {Authorization: "Bearer ${API_TOKEN}"}\n',
        1,
    )
    config = load_config_text(text, environ={"API_TOKEN": "tok-123"})
    assert config.monitor("api").headers == {"Authorization": "Bearer tok-123"}  # type: ignore[attr-defined]
    assert config.secrets == frozenset({"tok-123"})


def test_an_unset_secret_is_no_problem_but_remembered_where_it_is_used() -> None:
    """Only the monitor that uses it fails, later: the loader keeps it as written."""
    text = SMALL_CONFIG.replace(
        "https://api.example.com/health", "https://api.example.com/health?key=${API_KEY}"
    ).replace("  title: Example Status", "  title: Example ${STAGE}")
    config = load_config_text(text, "config.yaml", {})
    assert config.monitor("api").url == "https://api.example.com/health?key=${API_KEY}"  # type: ignore[attr-defined]
    [use] = config.unset_secrets("monitors", "api")
    assert str(use.unset("check")) == (
        "config.yaml:16:10: monitors[0].url: secret API_KEY is not set; add it as a repository "
        "secret (Settings > Secrets and variables > Actions) or set it in the environment of "
        "the check step"
    )
    assert config.unset_secrets("monitors", "db") == []
    assert [str(note) for note in needed_secrets(config.secret_uses)] == [
        "config.yaml:16:10: secret API_KEY is used by monitor api; add it as a repository "
        "secret (Settings > Secrets and variables > Actions)",
        "config.yaml:3:10: secret STAGE is used by site.title; add it as a repository "
        "secret (Settings > Secrets and variables > Actions)",
    ]


def test_a_secret_unset_in_the_environment_is_read_from_vigil_secrets() -> None:
    """As the workflows pass them: every repository secret in one JSON object, whose names
    match in any case like GitHub's; the process environment wins."""
    text = SMALL_CONFIG.replace(
        "    interval: 1h\n",
        '    interval: 1h\n    headers: {Authorization: "Bearer ${Api_Token}"}\n',
        1,
    )
    shared = json.dumps({"github_token": "ghs-1", "API_TOKEN": "tok-123"})
    config = load_config_text(text, environ={"VIGIL_SECRETS": shared})
    assert config.monitor("api").headers == {"Authorization": "Bearer tok-123"}  # type: ignore[attr-defined]
    assert config.secrets == frozenset({"tok-123"})  # what was read, to redact
    assert config.unset_secrets("monitors", "api") == []
    config = load_config_text(text, environ={"VIGIL_SECRETS": shared, "Api_Token": "env-9"})
    assert config.monitor("api").headers == {"Authorization": "Bearer env-9"}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("shared", "why"),
    [
        (
            '{"API_TOKEN": "hunter2",',
            "not valid JSON (Expecting property name enclosed in double quotes "
            "at line 1, column 25)",
        ),
        ('["hunter2"]', "an array, not an object"),
        ('"hunter2"', "a string, not an object"),
        ('{"API_TOKEN": ["hunter2"]}', 'the value of "API_TOKEN" is not a string'),
    ],
)
def test_malformed_vigil_secrets_is_one_problem_that_never_shows_its_content(
    shared: str, why: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(SMALL_CONFIG, "config.yaml", {"VIGIL_SECRETS": shared})
    [problem] = caught.value.problems
    message = (
        "expected a JSON object of secret names and values, as the workflows set it "
        f"(${{{{ toJSON(secrets) }}}}); it is {why}"
    )
    assert str(problem) == f"VIGIL_SECRETS: {message}"
    assert problem.github_annotation() == f"::error::VIGIL_SECRETS: {message}"
    assert "hunter2" not in str(problem)


def test_secret_values_never_appear_in_problems() -> None:
    text = SMALL_CONFIG.replace("    port: 5432", "    port: ${DB_PORT}")
    [problem] = problems_of(text, {"DB_PORT": "hunter2"})
    assert "hunter2" not in problem
    assert problem == 'config.yaml:22:11: monitors[1].port: expected a whole number, got "***"'


def test_problems_have_github_annotations() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(SMALL_CONFIG.replace("port: 5432", "port: 0"), "config.yaml", {})
    [problem] = caught.value.problems
    assert problem.github_annotation() == (
        "::error file=config.yaml,line=22,col=11::monitors[1].port: expected a number >= 1, got 0"
    )


def test_annotations_escape_what_would_end_a_property_or_the_message() -> None:
    problem = Problem("conf,ig:prod.yaml", 3, 1, "site.title", "100% wrong\r\nsecond line")
    assert problem.github_annotation() == (
        "::error file=conf%2Cig%3Aprod.yaml,line=3,col=1::site.title: 100%25 wrong%0D%0Asecond line"
    )


def test_a_quorum_larger_than_the_regions_is_an_error() -> None:
    text = SMALL_CONFIG.replace("    port: 5432\n", "    port: 5432\n    quorum: 4\n")
    assert problems_of(text) == [
        "config.yaml:23:13: monitors[1].quorum: quorum 4 is more than the 3 region(s) that "
        "check it; it could never be down"
    ]


BOMB = """\
version: 1
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_an_alias_bomb_is_refused_with_its_location() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config_text(BOMB, "config.yaml", {})
    (problem,) = raised.value.problems
    assert str(problem).startswith("config.yaml:")
    assert "aliases (*name) expand this document to more than 500,000 values" in str(problem)


def test_an_alias_bomb_in_incident_front_matter_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    front = BOMB.replace("version: 1\n", "title: Boom\n")
    (folder / "2026-11-23-boom.md").write_text(f"---\n{front}---\nText.\n")
    with pytest.raises(ConfigError) as raised:
        load_incidents(folder, None)
    assert any("expand this document" in str(p) for p in raised.value.problems)


def test_aliases_that_share_a_value_are_fine() -> None:
    text = SMALL_CONFIG.replace(
        "    url: https://api.example.com/health\n",
        "    url: https://api.example.com/health\n    headers: &json {Accept: application/json}\n",
    ) + ("  - {id: web, name: Web, type: http, url: 'https://example.com/', headers: *json}\n")
    config = load_config_text(text, "config.yaml", {})
    assert [m.headers for m in config.monitors if m.type == "http"] == [  # type: ignore[attr-defined]
        {"Accept": "application/json"},
        {"Accept": "application/json"},
    ]
