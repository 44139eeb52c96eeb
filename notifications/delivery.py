"""Send a channel's requests: HTTP through httpx, email through smtplib (in a thread), and
a `LibraryCall` through the channel's own library (in a thread).

Every attempt is bounded by the channel's `timeout`; a timeout, a lost connection, a 429
or a 5xx answer is tried again `retries` times after a doubling backoff; anything else
(a 4xx: the settings are wrong) fails at once, and so does a request that cannot even be
made (a newline pasted into a secret URL, a header that is not ASCII). The sleep is
injectable, so tests never wait. Nothing here raises for a failed delivery: the outcome
says what happened.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx

from notifications.channel import HttpRequest, LibraryCall, MailMessage, Outgoing


@dataclass(frozen=True)
class DeliveryOptions:
    backoff: float = 1.0  # seconds before the first retry, doubled before each further one
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)  # None: system CAs


@dataclass(frozen=True)
class Outcome:
    ok: bool
    attempts: int
    detail: str = ""  # why it failed; may contain secrets until the caller redacts it
    transient: bool = False  # the last failure was a timeout, lost connection or 5xx
    retries: int = 0  # of the attempts, those that repeated a request that had failed


async def send(
    outgoing: Sequence[Outgoing],
    client: httpx.AsyncClient,
    timeout: float,
    retries: int,
    options: DeliveryOptions,
) -> Outcome:
    """Send every request of one notification; stops at the first that fails for good."""
    attempts = repeated = 0
    for item in outgoing:
        outcome = await _with_retries(item, client, timeout, retries, options)
        attempts += outcome.attempts
        repeated += outcome.attempts - 1
        if not outcome.ok:
            return Outcome(False, attempts, outcome.detail, outcome.transient, repeated)
    return Outcome(True, attempts, retries=repeated)


async def _with_retries(
    item: Outgoing,
    client: httpx.AsyncClient,
    timeout: float,
    retries: int,
    options: DeliveryOptions,
) -> Outcome:
    outcome = Outcome(False, 0)
    for attempt in range(retries + 1):
        if attempt:
            await options.sleep(options.backoff * 2 ** (attempt - 1))
        try:
            outcome = await asyncio.wait_for(_attempt(item, client, timeout, options), timeout)
        except TimeoutError:
            outcome = Outcome(False, 1, f"no answer within {timeout:g}s", transient=True)
        except Exception as error:  # the request cannot be made: only this channel fails
            outcome = Outcome(False, 1, f"{type(error).__name__}: {error}")
        outcome = Outcome(outcome.ok, attempt + 1, outcome.detail, outcome.transient)
        if outcome.ok or not outcome.transient:
            break
    return outcome


async def _attempt(
    item: Outgoing, client: httpx.AsyncClient, timeout: float, options: DeliveryOptions
) -> Outcome:
    if isinstance(item, MailMessage):
        return await asyncio.to_thread(_send_mail, item, timeout, options.ssl_context)
    if isinstance(item, LibraryCall):
        ok, detail = await asyncio.to_thread(item.send, timeout)
        return Outcome(ok, 1, detail, transient=not ok)  # the library cannot say: try again
    return await _send_http(item, client, timeout)


async def _send_http(request: HttpRequest, client: httpx.AsyncClient, timeout: float) -> Outcome:
    try:
        response = await client.request(
            request.method,
            request.url,
            headers=dict(request.headers),
            content=request.body,
            timeout=timeout,
        )
    except httpx.TimeoutException:
        return Outcome(False, 1, f"no answer within {timeout:g}s", transient=True)
    except httpx.TransportError as error:
        return Outcome(False, 1, f"{type(error).__name__}: {error}", transient=True)
    if response.is_success:
        return Outcome(True, 1)
    answer = response.text[:200].replace("\n", " ")
    transient = response.status_code == 429 or response.status_code >= 500
    return Outcome(False, 1, f"HTTP {response.status_code}: {answer}", transient)


def _send_mail(mail: MailMessage, timeout: float, context: ssl.SSLContext | None) -> Outcome:
    context = context or ssl.create_default_context()
    try:
        if mail.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                mail.host, mail.port, timeout=timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(mail.host, mail.port, timeout=timeout)
        with smtp:
            if mail.security == "starttls":
                smtp.starttls(context=context)
            if mail.username:
                smtp.login(mail.username, mail.password)
            smtp.send_message(mail.message)
    except smtplib.SMTPResponseException as error:
        # 4xx: try later; 5xx: refused for good (bad login, unknown recipient).
        said = error.smtp_error
        text = said.decode(errors="replace") if isinstance(said, bytes) else str(said)
        detail = f"SMTP {error.smtp_code}: {text}"
        return Outcome(False, 1, detail, transient=400 <= error.smtp_code < 500)
    except (OSError, smtplib.SMTPException) as error:
        return Outcome(False, 1, f"{type(error).__name__}: {error}", transient=True)
    return Outcome(True, 1)
