"""The connectivity canary: can this runner reach the internet at all?

Asked only when a run has failures. If no canary target answers, the failures say nothing
about the monitors, so they are recorded as "runner offline" (status unknown), never down.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence


async def reachable(targets: Sequence[str], timeout: float) -> bool:
    """True when any `host:port` accepts a TCP connection within `timeout` seconds."""
    if not targets:
        return True
    attempts = [asyncio.create_task(_connects(target, timeout)) for target in targets]
    try:
        for attempt in asyncio.as_completed(attempts):
            if await attempt:
                return True
        return False
    finally:
        for attempt in attempts:
            attempt.cancel()


async def _connects(target: str, timeout: float) -> bool:
    host, _, port = target.rpartition(":")
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(host.strip("[]"), int(port)), timeout
        )
    except (OSError, TimeoutError, ValueError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True
