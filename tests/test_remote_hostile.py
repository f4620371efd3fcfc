"""A hostile ``--endpoint`` (issue 25, finding 10): its reply stops at the cap or the deadline
with one ``Error:`` line, never a MemoryError, a hang or a traceback.

The endpoint is a real socket server in a thread that answers every request the same
hostile way; the client is a real ``aikg`` process, given a 3 GB address-space cap so that a
client without the walls fails fast with a MemoryError instead of eating the machine.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import threading
import time

import pytest

from tests.embedding_support import aikg_command

TIMEOUT = 2  # the client's --timeout
CAP = 4_000_000  # the client's AIKG_MAX_REPLY_BYTES


def _head(extra: str = "") -> bytes:
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
            + extra.encode() + b"Connection: close\r\n\r\n")


def _trickle(conn: socket.socket) -> None:
    """A whole, valid-looking reply, sent a byte every 0.3 s: every read returns something."""
    conn.sendall(_head("Content-Length: 100000\r\n"))
    for byte in (b'{"head": {"vars": []}, "boolean": true}' + b" " * 99_000):
        conn.sendall(bytes([byte]))
        time.sleep(0.3)


def _trickled_head(conn: socket.socket) -> None:
    for byte in _head("Content-Length: 10\r\n"):
        conn.sendall(bytes([byte]))
        time.sleep(0.3)


def _endless(conn: socket.socket) -> None:
    """JSON whitespace forever (no Content-Length: the reply ends when the socket does)."""
    conn.sendall(_head())
    chunk = b" " * 65536
    while True:
        conn.sendall(chunk)


def _declared(conn: socket.socket) -> None:
    conn.sendall(_head("Content-Length: 8000000000\r\n"))
    chunk = b" " * 65536
    while True:
        conn.sendall(chunk)


def _variables(conn: socket.socket) -> None:
    """A results header naming 200,000 variables (pyoxigraph's parser would take minutes)."""
    body = json.dumps({"head": {"vars": [f"v{k}" for k in range(200_000)]},
                       "results": {"bindings": []}}).encode()
    conn.sendall(_head(f"Content-Length: {len(body)}\r\n") + body)


class _Hostile:
    def __init__(self, behave):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.behave = behave
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            conn.settimeout(5)
            conn.recv(65536)  # the request (its head and, for a short query, its body)
            self.behave(conn)
        except OSError:  # the client hung up: the point of the test
            pass
        finally:
            conn.close()

    def close(self):
        self.sock.close()


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


#: the cases a deadline stops run with --timeout 2; the others with 60, so only the cap can
#: stop them (on a loaded machine a fast reply may take longer than 2 s to arrive)
@pytest.mark.parametrize("behave, timeout, says", [
    (_trickle, TIMEOUT, "did not answer within 2 s"),
    (_trickled_head, TIMEOUT, "did not answer within 2 s"),
    (_endless, 60, f"sent more than {CAP:,} bytes"),
    (_declared, 60, f"sent more than {CAP:,} bytes"),
    (_variables, 60, "head is over 1 MiB (far more than 1,000 variables)"),
], ids=["trickled-body", "trickled-head", "endless", "8-GB-declared", "200k-variables"])
@pytest.mark.parametrize("command", [["stats"], ["query", "SELECT * WHERE { ?s ?p ?o }"]],
                         ids=["stats", "query"])
def test_a_hostile_reply_stops_at_the_cap_or_deadline_with_one_line(behave, timeout, says,
                                                                     command):
    server = _Hostile(behave)
    env = {**os.environ, "AIKG_MAX_REPLY_BYTES": str(CAP)}
    started = time.monotonic()
    try:
        result = subprocess.run(
            [*aikg_command(), "--endpoint", f"http://127.0.0.1:{server.port}/sparql",
             "--timeout", str(timeout), *command],
            capture_output=True, text=True, timeout=90, env=env, preexec_fn=_limit_memory)
    finally:
        server.close()
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: Endpoint "), result.stderr[-2000:]
    assert says in lines[0]
    assert elapsed < 30, elapsed  # the interpreter's start included (a trickle runs on forever)


def test_a_netrc_password_with_spaces_does_not_leak_into_the_error(tmp_path, monkeypatch):
    from kg.errors import QueryError
    from kg.remote.http import credentials

    netrc = tmp_path / "netrc"
    netrc.write_text("machine example.org login me password my secret words\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.delenv("AIKG_ENDPOINT_USER", raising=False)
    with pytest.raises(QueryError) as error:
        credentials("http://example.org/sparql")
    message = str(error.value)
    assert "secret" not in message and "words" not in message
    assert "line 1" in message and str(netrc) in message


def test_a_bad_reply_cap_setting_is_one_error_line():
    from kg.errors import QueryError
    from kg.remote.http import Connection

    os.environ["AIKG_MAX_REPLY_BYTES"] = "lots"
    try:
        with pytest.raises(QueryError, match="AIKG_MAX_REPLY_BYTES='lots' is not a positive"):
            Connection("http://127.0.0.1:9/sparql")
    finally:
        del os.environ["AIKG_MAX_REPLY_BYTES"]


@pytest.mark.parametrize("document, says", [
    ({"head": {"vars": [f"v{k}" for k in range(1001)]}, "results": {"bindings": []}},
     "naming 1,001 variables"),
    ({"results": {"bindings": [{}] * 400_000}, "head": {"vars": []}},
     "head does not come within their first MiB"),
])
def test_a_results_head_is_checked_before_the_parser_sees_it(document, says):
    from kg.remote.graph import check_head
    from kg.remote.http import RemoteError

    with pytest.raises(RemoteError, match=says.replace("(", r"\(")):
        check_head(json.dumps(document).encode(), "E")
    check_head(json.dumps({"head": {"vars": ["a"] * 1000}, "boolean": True}).encode(), "E")
