"""Connections shared by the socket-level checks (tcp, tls): connect, TLS handshake, close.

A refused or unresolvable connect, a failed handshake and a slow close each become an
`Observation` with the right error kind, so tcp and tls report failures the same way.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl

from checks.result import ErrorKind, Observation

CLOSE_GRACE_SECONDS = 0.5
Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def connect(host: str, port: int) -> Streams | Observation:
    """An open connection, or the failed observation that says why there is none."""
    try:
        return await asyncio.open_connection(host, port)
    except OSError as error:
        kind = ErrorKind.DNS if isinstance(error, socket.gaierror) else ErrorKind.CONNECT
        return Observation.failed(kind, error.strerror or str(error))


async def start_tls(
    writer: asyncio.StreamWriter, context: ssl.SSLContext, server_name: str
) -> Observation | None:
    """Upgrade the connection; None when the handshake succeeded. Separate from `connect`
    so that a refused port reads as `connect` and everything after it as `tls`."""
    try:
        await writer.start_tls(context, server_hostname=server_name)
    except ssl.SSLCertVerificationError as error:
        reason = error.verify_message or error.reason or str(error)
        return Observation.failed(ErrorKind.TLS, f"certificate not valid: {reason}")
    except (OSError, EOFError) as error:  # ssl.SSLError is an OSError
        detail = getattr(error, "reason", None) or str(error) or type(error).__name__
        return Observation.failed(ErrorKind.TLS, f"TLS handshake failed: {detail}")
    return None


@functools.lru_cache(maxsize=32)
def ssl_context(verify: bool, ca_file: str | None = None) -> ssl.SSLContext:
    # Cached: loading the system's CAs for every probe would cost more than the handshake.
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


async def close(writer: asyncio.StreamWriter) -> None:
    """Close politely, but never wait long: the target's answer is already judged."""
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), CLOSE_GRACE_SECONDS)
    except (OSError, TimeoutError):
        writer.transport.abort()
