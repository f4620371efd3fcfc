"""HTTP to a SPARQL endpoint: credentials, TLS, a bounded wait, one-line errors, retries.

Credentials come from ``AIKG_ENDPOINT_USER`` / ``AIKG_ENDPOINT_PASSWORD`` or a netrc file
(``$NETRC``, else ``~/.netrc``), never from the command line: a URL carrying ``user:password@``
is refused. They are sent only when the server asks (HTTP Basic or Digest challenge).
HTTPS certificates are verified with the system's trust store (``SSL_CERT_FILE`` is honoured).

A reply is a stranger's bytes: it is read up to ``AIKG_MAX_REPLY_BYTES`` (256 MiB by default;
an endless reply ended in a MemoryError), and the whole exchange, connecting, headers and
body, ends at ``timeout`` seconds however the bytes arrive (a reply trickled a byte a second
reset every socket timeout and ran on): a watchdog shuts the sockets down at the deadline.
"""

from __future__ import annotations

import http.client
import netrc
import os
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kg.errors import QueryError

USER_ENV, PASSWORD_ENV = "AIKG_ENDPOINT_USER", "AIKG_ENDPOINT_PASSWORD"
#: answers worth another try: the server or a proxy was busy, not wrong
TRANSIENT = {408, 425, 429, 500, 502, 503, 504}
_CHUNK = 1 << 16
MAX_REPLY = "AIKG_MAX_REPLY_BYTES"
DEFAULT_MAX_REPLY = 256 * 2**20


class RemoteError(QueryError):
    """An endpoint is unreachable, slow, refuses a request or answers something unusable."""

    def __init__(self, message: str, status: int | None = None, transient: bool = False):
        super().__init__(message)
        self.status = status
        self.transient = transient


def check_url(url: str, what: str = "Endpoint") -> str:
    """``url`` if it is an http(s) URL without credentials in it, else a :class:`QueryError`."""
    try:
        parts = urllib.parse.urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) \
            and not re.search(r"\s", url)
        has_credentials = valid and (parts.username is not None or parts.password is not None)
    except ValueError:
        valid = has_credentials = False
    if not valid:
        raise QueryError(f"{what} '{url}' is not an http(s) URL; "
                         "give e.g. http://localhost:3030/ds/sparql.")
    if has_credentials:
        shown = parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else ""))
        raise QueryError(f"{what} '{urllib.parse.urlunsplit(shown)}' carries a user name or "
                         f"password: remove it from the URL and set {USER_ENV} and "
                         f"{PASSWORD_ENV} (or a ~/.netrc entry) instead.")
    return url


def credentials(url: str) -> tuple[str, str] | None:
    """The user name and password for ``url``'s host: environment first, then netrc."""
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user:
        return user, password or ""
    path = os.environ.get("NETRC") or str(Path.home() / ".netrc")
    if not Path(path).is_file():
        return None
    try:
        entry = netrc.netrc(path).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except netrc.NetrcParseError as error:  # its message quotes a token: maybe a password's
        raise QueryError(f"Cannot read the netrc file {path}: line {error.lineno} is not "
                         "netrc (a password holding spaces must be in quotes); fix or "
                         "remove it.") from None
    except OSError as error:
        raise QueryError(f"Cannot read the netrc file {path}: "
                         f"{(error.strerror or str(error)).lower()}; fix or remove it.") from None
    return (entry[0], entry[2] or "") if entry else None


class Connection:
    """Requests to one store: the same credentials, TLS checks and time limit for each."""

    def __init__(self, url: str, timeout: float = 30.0, max_bytes: int | None = None):
        self.url = check_url(url)
        self.timeout = timeout
        self.max_bytes = max_bytes or max_reply()
        self._exchange = threading.local()  # the deadline of this thread's request
        handlers = [_Watched(self._watch), _WatchedTLS(self._watch, ssl.create_default_context())]
        found = credentials(url)
        if found is not None:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            parts = urllib.parse.urlsplit(url)
            manager.add_password(None, f"{parts.scheme}://{parts.netloc}/", *found)
            handlers += [urllib.request.HTTPBasicAuthHandler(manager),
                         urllib.request.HTTPDigestAuthHandler(manager)]
        self._opener = urllib.request.build_opener(*handlers)
        #: how many HTTP requests this connection sent (the tests count them)
        self.requests = 0
        #: the ``Server`` header of the last answer (which store this is)
        self.server = ""

    def send(self, url: str, body=None, *, method: str = "POST",
             content_type: str | None = None, accept: str | None = None) -> tuple[bytes, str]:
        """One request; the reply's body and content type. Raises :class:`RemoteError`.

        ``body``: bytes, or an iterable of bytes sent as it is produced (chunked transfer
        encoding). The whole exchange, reading included, must end within ``timeout`` seconds.
        """
        headers = {"User-Agent": "aikg"}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        self.requests += 1
        deadline = self._exchange.deadline = _Deadline(self.timeout)
        try:
            data, content_type = self._open(url, request)
        except RemoteError:
            if deadline.expired:  # not retried: the whole command stops at --timeout
                raise self._slow(url, transient=False) from None
            raise
        finally:
            deadline.cancel()
        if deadline.expired:  # the watchdog cut the reply short: it is not whole
            raise self._slow(url, transient=False)
        return data, content_type

    def _watch(self, sock) -> None:
        deadline = getattr(self._exchange, "deadline", None)
        if deadline is not None:
            deadline.watch(sock)

    def _open(self, url: str, request) -> tuple[bytes, str]:
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                self.server = response.headers.get("Server", "")
                data = self._read(url, response)
                return data, response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            self.server = error.headers.get("Server", "") if error.headers else ""
            raise self._refused(url, error) from None
        except TimeoutError:
            raise self._slow(url) from None
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", None) or error
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise self._slow(url) from None
            if isinstance(reason, ssl.SSLCertVerificationError):
                raise RemoteError(f"Endpoint {url}: its HTTPS certificate does not verify "
                                  f"({reason.verify_message}); fix the certificate or point "
                                  "SSL_CERT_FILE at the CA that signed it.") from None
            raise RemoteError(f"Cannot reach endpoint {url}: {reason}; check the URL and "
                              "that the server runs.", transient=True) from None

    def _slow(self, url: str, transient: bool = True) -> RemoteError:
        return RemoteError(f"Endpoint {url} did not answer within {self.timeout:g} s; "
                           "raise --timeout or check the server.", transient=transient)

    def _refused(self, url: str, error: urllib.error.HTTPError) -> RemoteError:
        try:
            said = summary(error.read(4096), error.headers.get("Content-Type", ""))
        except (OSError, TimeoutError):
            said = ""
        said = said or error.reason
        fix = ""
        if error.code in (401, 403):
            fix = (f"; set {USER_ENV} and {PASSWORD_ENV} (or a ~/.netrc entry) for an "
                   "account allowed to do this")
        return RemoteError(f"Endpoint {url} answered {error.code}: {said}{fix}",
                           status=error.code, transient=error.code in TRANSIENT)


    def _read(self, url: str, response) -> bytes:
        """The reply's body, refused as soon as it passes :attr:`max_bytes`."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large(url)
        parts, size = [], 0
        while chunk := response.read1(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise self._too_large(url)
            parts.append(chunk)
        return b"".join(parts)

    def _too_large(self, url: str) -> RemoteError:
        return RemoteError(f"Endpoint {url} sent more than {self.max_bytes:,} bytes, the cap "
                           f"on a reply; narrow the query, or raise {MAX_REPLY}=BYTES if the "
                           "store is yours.")


def max_reply() -> int:
    """The cap on a reply in bytes: ``AIKG_MAX_REPLY_BYTES``, or 256 MiB."""
    text = os.environ.get(MAX_REPLY, "").strip()
    if not text:
        return DEFAULT_MAX_REPLY
    if not text.isdigit() or int(text) <= 0:
        raise QueryError(f"{MAX_REPLY}={text!r} is not a positive number of bytes; set it "
                         f"to a whole number such as {DEFAULT_MAX_REPLY}.")
    return int(text)


class _Deadline:
    """Shuts down the sockets of one exchange when ``seconds`` have passed.

    A socket timeout bounds each read, not the exchange: a server sending a byte a second
    never trips it. Shutting the socket down wakes the blocked read (end of file), and
    :attr:`expired` tells the reader why.
    """

    def __init__(self, seconds: float):
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed
        pass


def _watched(base, watch):
    """``base`` (an HTTP(S)Connection class) whose new sockets are handed to ``watch`` as soon
    as they connect, before any TLS handshake or request."""

    class Watched(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            plain = self._create_connection

            def create(*a, **kw):
                sock = plain(*a, **kw)
                watch(sock)
                return sock

            self._create_connection = create

    return Watched


class _Watched(urllib.request.HTTPHandler):
    def __init__(self, watch):
        super().__init__()
        self._watch = watch

    def http_open(self, req):
        return self.do_open(_watched(http.client.HTTPConnection, self._watch), req)


class _WatchedTLS(urllib.request.HTTPSHandler):
    def __init__(self, watch, context):
        super().__init__(context=context)
        self._watch = watch

    def https_open(self, req):
        return self.do_open(_watched(http.client.HTTPSConnection, self._watch), req,
                            context=self._context)


def summary(data: bytes, content_type: str = "") -> str:
    """What a server said, as one short line (an HTML page reduced to its text)."""
    text = data.decode("utf-8", "replace")
    if "html" in content_type.lower() or re.match(r"\s*<(!doctype|html)", text, re.I):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
        text = title.group(1) if title else re.sub(r"<[^>]+>", " ", text)
    line = " ".join(text.split())
    return line[:200] + ("..." if len(line) > 200 else "")


def with_retries(action, attempts: int = 3, pause: float = 0.5):
    """``action()``, tried again after a pause when it fails transiently (busy, reset)."""
    for attempt in range(attempts):
        try:
            return action()
        except RemoteError as error:
            if not error.transient or attempt == attempts - 1:
                raise
            time.sleep(pause * 2 ** attempt)
    raise AssertionError("unreachable")  # pragma: no cover
