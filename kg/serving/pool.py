"""Query worker processes behind a bounded, fair queue; queries of departed clients are killed.

pyoxigraph cannot be interrupted, so a query is bounded by killing its process. The pool:

- runs each query or page in one of ``size`` worker processes (:func:`kg.serving.worker_loop.worker_main`),
  forked from a clean fork server that has pyoxigraph preloaded (a replacement only has to
  load the graph, not start an interpreter);
- lowers the priority of a query still running after 0.5 s (niceness 19), and kills a
  worker when its query passes the timeout, when its client goes away (``gone``
  resolves), or when the worker dies (memory cap), and starts a fresh one;
- keeps at most ``queue_size`` requests waiting (beyond that :class:`Busy`, HTTP 503), at most
  half of them from one client, and lets one client run at most ``size - 1`` queries at
  once, so a client looping runaway queries always leaves a worker to the others; a client
  whose queries had to be killed comes last for a while (see :meth:`WorkerPool._dispatch`).

Everything but the blocking pipe read runs on the event loop thread: no locks.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import signal
import time
from typing import Awaitable, Callable

from kg.errors import KGError
from kg.serving.query_worker import MEMORY_EXIT, Answer, Limits, _error
from kg.serving.worker_loop import worker_main

log = logging.getLogger("aikg.serve")

#: a query still running after NICE_AFTER seconds continues at niceness NICE, so that one
#: client's runaway queries leave the CPU to the short queries of the others
NICE_AFTER = 0.5
NICE = 19


class Busy(KGError):
    """Every worker is busy and the queue (or this client's share of it) is full."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def _context():
    # A fork server: forked once, before the server's threads matter, single-threaded, with
    # pyoxigraph and the worker module imported; every worker is a cheap fork of it.
    ctx = multiprocessing.get_context("forkserver")
    # the guard's parser too (rdflib and its grammar: 0.3 s a worker otherwise), and the path
    # code the /api questions run (kg.serving.api_jobs), imported once, not per worker
    ctx.set_forkserver_preload(["pyoxigraph", "kg.serving.worker_loop", "kg.query.sandbox",
                                "kg.query.sparql", "rdflib.plugins.sparql.parser",
                                "kg.serving.api_jobs"])
    return ctx


class _Worker:
    def __init__(self, ctx, snapshot: str, prefixes: dict, limits: Limits, graph_class=None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main,
                                   args=(child, snapshot, prefixes, limits, graph_class),
                                   daemon=True)
        self.process.start()
        child.close()
        self.mechanism: str | None = None  # how its network was cut, once ready
        self.dead = False
        self.niced = False

    def kill(self) -> None:
        """SIGKILL; the thread reading its pipe sees end-of-file at once."""
        self.dead = True
        if self.process.pid is not None and self.process.exitcode is None:
            try:
                self.process.kill()
            except OSError:
                pass

    def close(self) -> None:
        self.kill()
        self.process.join(5)
        self.conn.close()

    def ready_now(self) -> bool:
        """Whether the worker has loaded the graph (never blocks; event loop thread)."""
        try:
            if self.mechanism is None and not self.dead and self.conn.poll(0):
                self.mechanism = self.conn.recv()[1]
        except (EOFError, OSError):  # died while starting; its first call will say so
            self.dead = True
        return self.mechanism is not None

    def wait_ready(self, timeout: float) -> bool:
        """Wait for the worker's ready message (blocking); False if it did not come."""
        if self.mechanism is None:
            try:
                if not self.conn.poll(timeout):
                    self.kill()
                    return False
                self.mechanism = self.conn.recv()[1]
            except (EOFError, OSError):  # it died while starting
                self.dead = True
                return False
        return True

    def call(self, job, timeout: float, start_timeout: float, low: bool = False) -> Answer:
        """Send ``job`` and wait for the answer (in a pool thread, never on the event loop).

        ``low``: run it at low priority from the start (a client under penalty).
        """
        try:
            if not self.wait_ready(start_timeout):
                return _error(503, "The query worker failed to start; try again.")
            if low:
                self._set_priority(NICE)
            self.conn.send(job)
            if self.conn.poll(min(timeout, NICE_AFTER)):
                return self.conn.recv()
            self._set_priority(NICE)  # a long query: short ones get the CPU first
            if self.conn.poll(max(0.0, timeout - NICE_AFTER)):
                return self.conn.recv()
        except (EOFError, OSError):
            return self._died()
        self.kill()
        return _error(503, f"The query ran longer than the {timeout:g} s limit and was "
                           "stopped; narrow it or restart the server with a higher --timeout.")

    def _set_priority(self, nice: int) -> bool:
        """Renice the worker (its queries run on its main thread); False if not allowed."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, nice)
        except OSError:  # lowering niceness again needs CAP_SYS_NICE; or it is gone
            return False
        self.niced = nice > 0
        return True

    def _died(self) -> Answer:
        self.dead = True
        self.process.join(5)
        code = self.process.exitcode
        if code in (-signal.SIGABRT, MEMORY_EXIT):
            return _error(503, "The query needed more memory than the worker's cap and was "
                               "stopped; narrow it or restart the server with a higher "
                               "--worker-memory-mb.")
        if code == -signal.SIGSEGV:  # the parser's stack: a query nested far too deep
            return _error(400, "The query is too deeply nested or too long for the parser; "
                               "simplify it.")
        if code == -signal.SIGKILL:
            return _error(503, "The query was stopped; try again.")
        return _error(500, f"The query worker stopped unexpectedly (exit {code}); try again.")


class WorkerPool:
    """``size`` query workers behind a bounded queue shared fairly between clients.

    Create and use it on one event loop; :meth:`close` when done.
    """

    def __init__(self, snapshot: str, prefixes: dict, size: int = 2, timeout: float = 10.0,
                 limits: Limits | None = None, queue_size: int = 16,
                 start_timeout: float = 60.0, graph_class=None):
        self.snapshot = snapshot
        #: what page jobs read the worker's store through: (a KnowledgeGraph class, its
        #: prefixes); None: this pool answers queries only
        self.graph_class = graph_class
        self.prefixes = dict(prefixes)
        self.size = max(1, size)
        self.timeout = timeout
        self.limits = limits or Limits()
        self.queue_size = queue_size
        self.start_timeout = start_timeout
        self.per_client_running = max(1, self.size - 1)
        self.per_client_waiting = max(1, queue_size // 2)
        self.stats = collections.Counter()  # abandoned, busy, replaced
        self._ctx = _context()
        self._threads = concurrent.futures.ThreadPoolExecutor(self.size, "aikg-query")
        self._closed = False
        self._all: set[_Worker] = set()
        self._idle = [self._start() for _ in range(self.size)]
        self._waiting: collections.deque = collections.deque()  # (client, future)
        self._running: collections.Counter = collections.Counter()
        self._penalties: dict[str, float] = {}  # client -> monotonic time it ends

    def _start(self) -> _Worker:
        worker = _Worker(self._ctx, self.snapshot, self.prefixes, self.limits, self.graph_class)
        self._all.add(worker)
        return worker

    def wait_ready(self) -> set[str]:
        """Block until the first workers are up; how they were cut off the network.

        Raises :class:`KGError` when one does not start (run it in a thread on a loop).
        """
        for worker in list(self._idle):
            if not worker.wait_ready(self.start_timeout):
                self.close()
                why = (f"exited (status {worker.process.exitcode})" if worker.dead
                       else f"did not start within {self.start_timeout:g} s")
                raise KGError(f"The query worker {why} while loading the graph; give it "
                              "more memory (--worker-memory-mb) or 0 for no cap.")
        return {worker.mechanism for worker in self._idle}

    # -- scheduling (event loop thread only) ---------------------------------------------
    def _dispatch(self) -> None:
        """Hand idle workers to the oldest waiters whose client is under its running share.

        Clients whose recent queries had to be killed (timeout, memory, or they left) come
        last, never take the last idle worker, and get the ones still starting: a client
        looping runaway queries keeps replacing workers, and must not leave the others a
        cold one (or none) each time.
        """
        now = time.monotonic()
        penalized = {c for c, until in self._penalties.items() if until > now}
        for late in (False, True):
            for entry in list(self._waiting):
                if not self._idle or late and self.size > 1 and len(self._idle) < 2:
                    return
                client, future = entry
                if future.done():
                    self._waiting.remove(entry)
                elif ((client in penalized) == late
                      and self._running[client] < self.per_client_running):
                    self._waiting.remove(entry)
                    self._running[client] += 1
                    future.set_result(self._pick(ready=not late))

    def _pick(self, ready: bool) -> _Worker:
        """An idle worker, a ready one if ``ready`` (else a starting one) when there is one."""
        for index in range(len(self._idle) - 1, -1, -1):
            if self._idle[index].ready_now() == ready:
                return self._idle.pop(index)
        return self._idle.pop()

    def _penalize(self, client: str) -> None:
        self._penalties[client] = time.monotonic() + max(self.timeout, 5.0)
        if len(self._penalties) > 10000:  # forget the oldest addresses
            for old in sorted(self._penalties, key=self._penalties.get)[:5000]:
                del self._penalties[old]

    def _check_room(self, client: str) -> None:
        waiting = [c for c, f in self._waiting if not f.done()]
        mine = waiting.count(client)
        if len(waiting) >= self.queue_size or mine >= self.per_client_waiting:
            self.stats["busy"] += 1
            share = "" if len(waiting) >= self.queue_size else " from your address"
            raise Busy(f"The endpoint is busy ({len(waiting)} queries waiting{share}); "
                       "retry later.", retry_after=max(1, round(self.timeout / 2)))

    def _release(self, worker: _Worker, client: str) -> None:
        self._running[client] -= 1
        if self._running[client] <= 0:
            del self._running[client]
        if self._closed:
            worker.close()
            return
        if worker.niced and not worker.dead and not worker._set_priority(0):
            worker.kill()  # cannot get its priority back: a fresh one instead
        if worker.dead or not worker.process.is_alive():
            self._replace(worker)
        else:
            self._idle.append(worker)
        self._dispatch()

    def _replace(self, worker: _Worker) -> None:
        """Reap ``worker`` and fork its successor in a thread: both may block a moment."""
        self._all.discard(worker)
        self.stats["replaced"] += 1

        def reap_and_start() -> _Worker:
            worker.close()
            return _Worker(self._ctx, self.snapshot, self.prefixes, self.limits,
                           self.graph_class)

        def started(future) -> None:
            if future.exception() is not None:
                log.error("Could not start a query worker: %s", future.exception())
                return
            fresh = future.result()
            if self._closed:
                fresh.close()
                return
            self._all.add(fresh)
            self._idle.append(fresh)
            self._dispatch()

        asyncio.get_running_loop().run_in_executor(None, reap_and_start).add_done_callback(
            started)

    async def _acquire(self, client: str, watcher: asyncio.Future) -> _Worker | None:
        self._check_room(client)
        future = asyncio.get_running_loop().create_future()
        entry = (client, future)
        self._waiting.append(entry)
        self._dispatch()
        if not future.done():
            try:
                await asyncio.wait({future, watcher}, return_when=asyncio.FIRST_COMPLETED)
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():  # handed a worker just now
                    self._release(future.result(), client)
                raise
            finally:
                if not future.done():  # the client left (or we were cancelled) while waiting
                    future.cancel()
                    with contextlib.suppress(ValueError):
                        self._waiting.remove(entry)  # its place in the queue is free at once
        return future.result() if not future.cancelled() else None

    # -- the one public operation ----------------------------------------------------------
    async def run(self, job: tuple, client: str,
                  gone: Callable[[], Awaitable[object]]) -> Answer | None:
        """The answer to ``job``, or None when ``gone()`` resolved first (client left).

        ``job``: ``("sparql", query, kind)`` (:func:`kg.serving.query_worker.checked`), or a
        page (:mod:`kg.serving.page_jobs`).

        Raises :class:`Busy` when the queue has no room for this client.
        """
        watcher = asyncio.ensure_future(gone())
        call = None
        worker = None
        try:
            worker = await self._acquire(client, watcher)
            if worker is not None and watcher.done():
                self._release(worker, client)
                worker = None
            if worker is None:
                self.stats["abandoned"] += 1
                return None
            loop = asyncio.get_running_loop()
            low = self._penalties.get(client, 0) > time.monotonic()
            call = loop.run_in_executor(self._threads, worker.call, job,
                                        self.timeout, self.start_timeout, low)
            held = worker
            call.add_done_callback(lambda _: self._release(held, client))
            await asyncio.wait({call, watcher}, return_when=asyncio.FIRST_COMPLETED)
            if call.done():
                if worker.dead:  # killed at the timeout, or died (memory cap, crash)
                    self._penalize(client)
                return call.result()
            self.stats["abandoned"] += 1
            self._penalize(client)
            worker.kill()  # frees it: the pool thread reads end-of-file, then _release
            return None
        except asyncio.CancelledError:
            if worker is not None and call is not None and not call.done():
                worker.kill()
            elif worker is not None and call is None:
                self._release(worker, client)
            raise
        finally:
            watcher.cancel()

    def stop_running(self) -> None:
        """Stop the jobs in progress and the waiting ones (Ctrl-C on the server): each
        request then ends with a 503 at once, and the server's shutdown need not cancel
        requests half-way (uvicorn logs a traceback for each one it cancels)."""
        self._closed = True
        for _, future in list(self._waiting):
            future.cancel()
        for worker in list(self._all):
            if worker not in self._idle:
                worker.kill()

    def close(self) -> None:
        """Stop every worker, busy ones included, and the threads."""
        self._closed = True
        idle, self._idle = self._idle, []
        for worker in idle:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        for worker in idle:
            worker.process.join(2)
        for worker in list(self._all):
            worker.close()
        self._all.clear()
        for _, future in self._waiting:
            future.cancel()
        self._threads.shutdown(wait=False, cancel_futures=True)
