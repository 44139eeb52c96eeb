"""Generated documents (config.schema.json, the README reference, docs/notifications.md)
stay in step with the models, and every check type is complete."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import get_args

import jsonschema
import yaml

from checks.registry import CHECKS
from configuration.loader import load_config_text
from configuration.models import Config, Defaults, Group, Region, Runner, Site
from configuration.monitor import MonitorBase
from configuration.notifications import EVENT_NAMES, ChannelOptions
from configuration.reference import config_reference, config_schema, config_schema_text
from notifications.reference import notifications_doc

ROOT = Path(__file__).parent.parent


def test_committed_schema_matches_the_models() -> None:
    committed = (ROOT / "config.schema.json").read_text()
    assert committed == config_schema_text(), "run `vigil schema --write`"


def test_sample_config_points_editors_at_the_schema_and_satisfies_it() -> None:
    text = (ROOT / "config.yaml").read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./config.schema.json"
    jsonschema.validate(yaml.safe_load(text), config_schema())


def test_schema_rejects_what_the_loader_rejects() -> None:
    bad = yaml.safe_load((ROOT / "config.yaml").read_text())
    bad["monitors"][0]["type"] = "gopher"
    validator = jsonschema.Draft202012Validator(config_schema())
    assert list(validator.iter_errors(bad))


def test_readme_reference_is_generated_from_the_models() -> None:
    readme = (ROOT / "README.md").read_text()
    assert config_reference() in readme, "run `vigil schema --write`"


def test_every_field_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    models = [Config, Site, Region, Group, Defaults, Runner, MonitorBase]
    models += [check.model for check in CHECKS.values()]
    for model in models:
        for name, field in model.model_fields.items():
            assert f"| `{name}` |" in readme, f"{model.__name__}.{name} missing from README"
            assert field.description, f"{model.__name__}.{name} has no description"


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = readme.split("```sh\n")
    assert blocks[1].startswith("pip install -e . && vigil demo && vigil build\n")
    assert blocks[2].startswith("pip install -e '.[test]' && pytest\n")
    assert "pip install -e '.[test]' && pytest" in (ROOT / ".ci" / "run").read_text()


def test_every_check_type_is_complete() -> None:
    """Adding a check type is one module and one registry line; this finds what is missing."""
    schema = json.dumps(config_schema())
    readme = (ROOT / "README.md").read_text()
    for name, check in CHECKS.items():
        assert get_args(check.model.model_fields["type"].annotation) == (name,)
        assert issubclass(check.model, MonitorBase)
        assert inspect.iscoroutinefunction(check.probe)
        assert (ROOT / "checks" / f"{name}.py").is_file()
        assert f'"const": "{name}"' in schema
        assert f"`type: {name}`" in readme
        assert isinstance(check.model.target, property)


def test_notifications_doc_is_generated_from_the_channels() -> None:
    committed = (ROOT / "docs" / "notifications.md").read_text()
    assert committed == notifications_doc(), "run `vigil schema --write`"


def test_notifications_doc_covers_what_a_user_needs() -> None:
    doc = notifications_doc()
    for event in EVENT_NAMES:
        assert f"| `{event}` |" in doc
    for option in ChannelOptions.model_fields:
        assert f"| `{option}` |" in doc, option
    for field in ("cronTimestamp", "statusCode", "latency", "errorMessage"):
        assert f'"{field}"' in doc and f"`{field}`" in doc  # in the example and explained
    for topic in [
        "X-Vigil-Signature: sha256=",
        "hmac.compare_digest",
        "data/notifications/events/",
        "data/state.json",
        "vigil notify test CHANNEL",
        "--dry-run",
        "vigil check --region R --no-notify",
        "group: vigil-notify",
        "sends them once more",  # the crash between sending and pushing
        "every occurrence of a recurring one",
        "### `min_duration`",
        "### `send_on_resolved`",
        "`retries` times at most",
        "secret, as `${ENV}`",
    ]:
        assert topic in doc, topic
    assert "see docs/notifications.md" in (ROOT / "README.md").read_text()


def test_the_commented_notifications_example_in_config_yaml_is_valid() -> None:
    text = (ROOT / "config.yaml").read_text()
    example = text[text.index("# notifications:") :]
    uncommented = text.replace(example, re.sub(r"^# ?", "", example, flags=re.M))
    config = load_config_text(uncommented, "config.yaml", {"SLACK_WEBHOOK_URL": "https://x"})
    assert [channel.type for channel in config.notifications] == ["slack"]
