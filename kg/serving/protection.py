"""HTTP-level limits of the endpoint: request framing, Host header, body, slow connections.

- A request carrying both Content-Length and Transfer-Encoding is refused (400) and its
  connection closed: RFC 9112 section 6.1 lets a server do so, and a proxy in front that
  framed it the other way would otherwise be open to request smuggling. h11 alone accepts it.
- URLs and headers longer than 64 KB are refused (414, 431).
- The Host header must name an allowed host (default: the address the server is bound to,
  plus ``localhost`` on loopback), so a web page whose DNS name is rebound to 127.0.0.1
  cannot query the endpoint from a browser.
- The body is read with a cap in bytes (413) and in time (408), and both close the
  connection, so the rest of a 300 MB body is never read.
- :class:`TimedH11Protocol` closes a connection whose request head has not fully arrived
  within ``head_timeout`` seconds (uvicorn only times out idle keep-alive connections, so a
  client trickling header bytes could hold a connection forever), and keeps at most
  ``max_per_address`` connections open per client address: one address holding 500 idle or
  300 slowloris connections took every slot of the server's 256 and left other clients 503.
  A connection over the share gets a 503 and is closed before uvicorn counts it.
"""

from __future__ import annotations

import ipaddress
import logging

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("aikg.serve")

#: seconds for a request head, and for a request body, to arrive
HEAD_TIMEOUT = 10.0
BODY_TIMEOUT = 10.0
#: open connections one client address may hold (idle, slow or busy alike)
MAX_PER_ADDRESS = 32
#: bytes of URL (path and query string), and of all headers together. h11 enforces a cap on
#: a request head only while it arrives in pieces; one that comes in a single read is parsed
#: whole, so the application checks again.
MAX_URL = 64 * 1024
MAX_HEADERS = 64 * 1024


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on each request head (slowloris) and a share
    of the connections per client address."""

    head_timeout = HEAD_TIMEOUT
    max_per_address = MAX_PER_ADDRESS
    _address = None  # the address counted for this connection; None: refused or not yet

    def connection_made(self, transport) -> None:
        peer = transport.get_extra_info("peername")
        address = peer[0] if isinstance(peer, tuple) and peer else "-"
        counts = _open_per_address(self.server_state)
        if counts.get(address, 0) >= self.max_per_address:
            _refuse_over_share(transport, address, self.max_per_address)
            return
        counts[address] = counts.get(address, 0) + 1
        self._address = address
        super().connection_made(transport)
        self._head_deadline = None
        self._timed_cycle = None
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
        if self._address is not None:  # a refused connection's bytes are not parsed
            super().data_received(data)

    def eof_received(self) -> None:
        if self._address is not None:
            super().eof_received()

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        self._head_deadline = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _cancel_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            log.info("%s closed: no complete request head within %g s",
                     (self.client or ("-",))[0], self.head_timeout)
            self.transport.close()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and self.cycle is not self._timed_cycle:
            self._timed_cycle = self.cycle  # a new request head arrived in full
            self._cancel_head_deadline()

    def on_response_complete(self) -> None:
        # armed first: a pipelined request handled inside super() cancels it again
        if not self.transport.is_closing():
            self._arm_head_deadline()  # the next request on this connection gets its own
        super().on_response_complete()

    def connection_lost(self, exc) -> None:
        if self._address is None:
            return  # refused in connection_made: uvicorn never saw it
        counts = _open_per_address(self.server_state)
        counts[self._address] -= 1
        if counts[self._address] <= 0:
            del counts[self._address]
        self._address = None
        self._cancel_head_deadline()
        super().connection_lost(exc)


def _open_per_address(server_state) -> dict:
    """Open connections per client address, kept on the server's state (one per server)."""
    counts = getattr(server_state, "aikg_open_per_address", None)
    if counts is None:
        counts = server_state.aikg_open_per_address = {}
    return counts


_refusals_logged: dict[str, float] = {}


def _refuse_over_share(transport, address: str, share: int) -> None:
    """A 503 written straight to the socket, then closed: the request is never read."""
    import time

    body = (f"Too many connections from {address} (at most {share} at once); close some "
            "and retry.\n").encode()
    transport.write(b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; "
                    b"charset=utf-8\r\nretry-after: 5\r\nconnection: close\r\n"
                    b"content-length: %d\r\n\r\n%s" % (len(body), body))
    transport.close()
    now = time.monotonic()
    if now - _refusals_logged.get(address, -60.0) >= 60:  # one line a minute, not a flood
        if len(_refusals_logged) > 10000:
            _refusals_logged.clear()
        _refusals_logged[address] = now
        log.info("%s refused: over its share of %d open connections (logged once a minute)",
                 address, share)


def default_allowed_hosts(bound: str) -> tuple[str, ...]:
    """The Host names accepted when the operator gives no ``--allowed-host``.

    >>> default_allowed_hosts("127.0.0.1")
    ('127.0.0.1', 'localhost')
    >>> default_allowed_hosts("0.0.0.0")
    ('*',)
    """
    try:
        address = ipaddress.ip_address(bound)
    except ValueError:
        return (bound.lower(),)
    if address.is_unspecified:
        return ("*",)  # bound to every interface: the operator names hosts to narrow it
    if address.is_loopback:
        return (str(address), "localhost")
    return (str(address),)


def host_name(header: str) -> str:
    """The host part of a Host header value, lower-cased, port and IPv6 brackets removed.

    >>> host_name("[::1]:8000"), host_name("Example.org:80"), host_name("127.0.0.1")
    ('::1', 'example.org', '127.0.0.1')
    """
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def host_allowed(header: str | None, allowed: tuple[str, ...]) -> bool:
    if "*" in allowed:
        return True
    if not header:
        return False
    name = host_name(header)
    return any(name == a or (a.startswith("*.") and name.endswith(a[1:])) for a in allowed)


class Protect:
    """ASGI middleware: request framing and Host checks before anything else runs."""

    def __init__(self, app, allowed_hosts: tuple[str, ...]):
        self.app = app
        self.allowed_hosts = tuple(h.lower() for h in allowed_hosts)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        names = [name for name, _ in scope["headers"]]
        if len(scope.get("raw_path") or b"") + len(scope["query_string"]) > MAX_URL:
            return await refuse(send, 414, f"The URL is longer than {MAX_URL // 1024} KB; send "
                                           "long queries in a POST body.")
        if sum(len(n) + len(v) for n, v in scope["headers"]) > MAX_HEADERS:
            return await refuse(send, 431, f"The headers are longer than {MAX_HEADERS // 1024} "
                                           "KB together; send fewer or shorter ones.")
        if b"content-length" in names and b"transfer-encoding" in names:
            return await refuse(send, 400, "A request may not carry both Content-Length and "
                                           "Transfer-Encoding (RFC 9112); send only one.")
        host = next((v.decode("latin-1") for n, v in scope["headers"] if n == b"host"), None)
        if not host_allowed(host, self.allowed_hosts):
            return await refuse(send, 400, f"Host '{host}' is not served here; the server "
                                           "answers to " + ", ".join(self.allowed_hosts)
                                           + " (its operator can add names with --allowed-host).")
        return await self.app(scope, receive, send)


async def refuse(send, status: int, message: str, close: bool = True, headers=()) -> None:
    """Send a one-line plain-text answer; ``close`` ends the connection after it."""
    body = (message + "\n").encode("utf-8")
    raw = [(b"content-type", b"text/plain; charset=utf-8"),
           (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in headers]
    if close:
        raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class BodyRefused(Exception):
    """The body was too large or too slow; ``status`` and ``message`` say which."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


async def read_body(request, limit: int, timeout: float = BODY_TIMEOUT) -> bytes:
    """The request body, at most ``limit`` bytes, arriving within ``timeout`` seconds.

    Raises :class:`BodyRefused` (413, 408), or starlette's ``ClientDisconnect``.
    """
    import anyio

    declared = request.headers.get("content-length", "")
    too_large = BodyRefused(413, f"The request body is larger than {limit} bytes, the "
                                 "server's cap; send a shorter query or restart the server "
                                 "with a higher --max-body-kb.")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    try:
        with anyio.fail_after(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_large
                chunks.append(chunk)
    except TimeoutError:
        raise BodyRefused(408, f"The request body did not arrive within {timeout:g} s; "
                               "send it at once.") from None
    return b"".join(chunks)
