"""Adding a channel type is one module in notifications/channels/ and one line in
notifications/registry.py. These tests name the piece that was forgotten: the registry
line, the options model in config.yaml's list of channels (and so in config.schema.json),
a test that sends to it through a real loopback receiver, its section in
docs/notifications.md, and its sample in tests/notify_samples.py.

Receiver tests live in tests/test_notify_*.py; each such module declares the channel types
it sends to a real receiver in `RECEIVER_TESTED`."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import jsonschema
import pytest
import yaml

from configuration.loader import load_config_text
from configuration.notifications import ChannelOptions
from configuration.reference import config_schema
from notifications.reference import channel_heading, example_entry
from notifications.registry import CHANNELS
from tests.notify_samples import BASE_CONFIG, SAMPLES, sample_channel

ROOT = Path(__file__).parent.parent
NAMES = sorted(CHANNELS)


def _modules(folder: Path, pattern: str, package: str) -> dict[str, ModuleType]:
    names = sorted(p.stem for p in folder.glob(pattern) if p.stem != "__init__")
    return {name: importlib.import_module(f"{package}.{name}") for name in names}


def test_every_module_in_channels_is_registered_under_its_own_name() -> None:
    modules = _modules(ROOT / "notifications" / "channels", "*.py", "notifications.channels")
    assert sorted(modules) == NAMES, "register each channel module in notifications/registry.py"
    for name, module in modules.items():
        assert module.CHANNEL is CHANNELS[name]
        assert CHANNELS[name].build.__module__ == module.__name__


def _document(entry: dict[str, Any]) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(BASE_CONFIG)
    return {**document, "notifications": [entry]}


@pytest.mark.parametrize("name", NAMES)
def test_every_channel_has_an_options_model_that_config_yaml_and_the_schema_accept(
    name: str,
) -> None:
    channel = CHANNELS[name]
    assert issubclass(channel.model, ChannelOptions)
    assert get_args(channel.model.model_fields["type"].annotation) == (name,)
    for key, field in channel.model.model_fields.items():
        assert field.description, f"{name}.{key} has no description"
    entry = example_entry(channel)
    validator = jsonschema.Draft202012Validator(config_schema())
    assert list(validator.iter_errors(_document(entry))) == []
    assert list(validator.iter_errors(_document({**entry, "bogus": 1}))), "unknown keys fail"
    environ = {key: "value" for key in re.findall(r"\$\{(\w+)\}", json.dumps(entry))}
    text = BASE_CONFIG + yaml.safe_dump({"notifications": [entry]})
    config = load_config_text(text, "config.yaml", environ)
    assert type(config.notifications[0]) is channel.model


def test_every_channel_is_sent_to_a_real_receiver_by_a_test() -> None:
    tested: dict[str, str] = {}
    for module in _modules(ROOT / "tests", "test_notify_*.py", "tests").values():
        names = getattr(module, "RECEIVER_TESTED", ())
        if names:
            assert hasattr(module, "http_receiver") or hasattr(module, "smtp_receiver")
        tested |= {name: module.__name__ for name in names}
    assert sorted(tested) == NAMES, "add the channel to CASES in tests/test_notify_channels.py"
    channels = importlib.import_module("tests.test_notify_channels")
    test = channels.test_channel_sends_the_services_format_to_a_real_receiver
    (mark,) = [mark for mark in test.pytestmark if mark.name == "parametrize"]
    assert tuple(mark.args[1]) == channels.RECEIVER_TESTED


@pytest.mark.parametrize("name", NAMES)
def test_every_channel_has_a_section_in_the_docs_with_each_option(name: str) -> None:
    doc = (ROOT / "docs" / "notifications.md").read_text()
    heading = channel_heading(name)
    assert heading in doc, "run `vigil schema --write`"
    section = doc.split(heading, 1)[1].split("\n### ", 1)[0]
    common = set(ChannelOptions.model_fields)
    for key, field in CHANNELS[name].model.model_fields.items():
        if key not in common:
            assert f"| `{field.alias or key}` |" in section, f"{name}.{key}"
    assert f"    type: {name}\n" in section, "its example entry"


@pytest.mark.parametrize("name", NAMES)
def test_every_channel_has_a_sample_that_loads(name: str) -> None:
    assert name in SAMPLES, "add the channel to SAMPLES in tests/notify_samples.py"
    url = "smtp://127.0.0.1:2525" if name == "email" else "http://127.0.0.1:9"
    assert type(sample_channel(name, url)) is CHANNELS[name].model
