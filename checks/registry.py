"""Every check type, by the name used in `type:`. Adding a type is one module and one line."""

from __future__ import annotations

from typing import Any

from checks import dns, heartbeat, http, manual, ping, statuspage, tcp, tls
from checks.base import CheckType

CHECKS: dict[str, CheckType[Any]] = {
    check.name: check
    for check in (
        http.CHECK,
        tcp.CHECK,
        dns.CHECK,
        tls.CHECK,
        ping.CHECK,
        heartbeat.CHECK,
        manual.CHECK,
        statuspage.CHECK,
    )
}
