"""Real triple stores on loopback for the remote tests and the benchmarks.

Each launcher is a context manager: it starts the server on free ``127.0.0.1`` ports with a
temporary database, waits until its SPARQL endpoint answers, yields a :class:`Engine`, and
always stops the process (terminate, then kill) and deletes the database, even when the body
raises. Nothing is left running.

- Oxigraph server: PyPI ``oxigraph`` (``oxigraph serve --location DIR --bind 127.0.0.1:PORT``);
  queries at ``/query``, updates at ``/update``, Graph Store Protocol at ``/store``.
- Virtuoso Open Source 7: Debian ``virtuoso-opensource`` (``virtuoso-t -f -c INI``); queries
  at ``/sparql``, authenticated updates at ``/sparql-auth`` and the authenticated Graph Store
  Protocol at ``/sparql-graph-crud-auth`` (digest auth, account ``dba``, password ``dba`` on a
  fresh database). ``dba`` needs ``SPARQL_UPDATE`` for the GSP, granted through ``isql-vt``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
#: the account every fresh Virtuoso database has
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"


@dataclasses.dataclass(frozen=True)
class Engine:
    """A running store: where to query, update and load, and who may write."""

    name: str
    query: str
    update: str
    gsp: str
    user: str | None = None
    password: str | None = None
    pid: int | None = None

    def env(self) -> dict[str, str]:
        """The environment variables ``aikg`` reads its credentials from."""
        if self.user is None:
            return {}
        return {"AIKG_ENDPOINT_USER": self.user, "AIKG_ENDPOINT_PASSWORD": self.password}


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` command of this interpreter's environment (PyPI ``oxigraph``)."""
    local = Path(sys.executable).with_name("oxigraph")
    return str(local) if local.exists() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    """Poll ``url`` with an ASK until it answers 200, the process dies, or time runs out."""
    probe = url + "?" + urllib.parse.urlencode({"query": "ASK { }"})
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({process.returncode}): "
                               f"{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}: no answer after {seconds:g} s: "
                       f"{log.read_text(errors='replace')[-2000:]}")


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the test process dies, even by a signal
    that skips the ``finally`` blocks (Linux ``PR_SET_PDEATHSIG``)."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def oxigraph_server(directory: Path | None = None):
    """An Oxigraph server on a free loopback port with an empty on-disk store."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the 'oxigraph' command is missing: pip install oxigraph")
    with tempfile.TemporaryDirectory(prefix="aikg-oxigraph-", dir=directory) as tmp:
        port = free_port()
        log = Path(tmp) / "server.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [binary, "serve", "--location", str(Path(tmp) / "db"),
                 "--bind", f"127.0.0.1:{port}"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base + "/query", process, 30, log)
            yield Engine("oxigraph", base + "/query", base + "/update", base + "/store",
                         pid=process.pid)
        finally:
            _stop(process)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = ., {db}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 1G
ThreadsPerQuery = 2
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = {http_port}
ServerRoot = {db}
ServerThreads = 10
MaxClientConnections = 10
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
DefaultQuery = ASK {{ }}
"""


def isql(port: int, *statements: str) -> str:
    """Run SQL statements as ``dba`` through ``isql-vt`` (each ends with ';')."""
    script = "\n".join(statements) + "\n"
    done = subprocess.run([ISQL, str(port), VIRTUOSO_USER, VIRTUOSO_PASSWORD],
                          input=script, capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or "*** Error" in done.stdout:
        raise RuntimeError(f"isql-vt: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    return done.stdout


@contextlib.contextmanager
def virtuoso_server(directory: Path | None = None):
    """A Virtuoso 7 server on free loopback ports with a fresh temporary database."""
    if VIRTUOSO is None or ISQL is None:
        raise RuntimeError("virtuoso-t is missing: apt-get install virtuoso-opensource")
    with tempfile.TemporaryDirectory(prefix="aikg-virtuoso-", dir=directory) as tmp:
        sql_port, http_port = free_port(), free_port()
        ini = Path(tmp) / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(db=tmp, sql_port=sql_port, http_port=http_port))
        log = Path(tmp) / "stdout.log"
        with open(log, "wb") as out:
            process = subprocess.Popen([VIRTUOSO, "-f", "-c", str(ini)], cwd=tmp, stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env={**os.environ, "HOME": tmp},
                                       preexec_fn=_die_with_parent)
        try:
            base = f"http://127.0.0.1:{http_port}"
            _wait_until_up(base + "/sparql", process, 90, log)
            # the GSP and authenticated updates need the SPARQL_UPDATE role for dba
            isql(sql_port, "GRANT SPARQL_UPDATE TO \"dba\";")
            yield Engine("virtuoso", base + "/sparql", base + "/sparql-auth",
                         base + "/sparql-graph-crud-auth", VIRTUOSO_USER, VIRTUOSO_PASSWORD,
                         pid=process.pid)
        finally:
            _stop(process)


LAUNCHERS = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}
