"""Work on a second core in a forked child: its errors come back, Ctrl-C stops it."""

import os
import signal
import time

import pytest

from kg.errors import CheckFailed
from kg.query.killable import Forked


def test_the_child_sees_the_parent_as_it_was_and_reports_success(tmp_path):
    marker = tmp_path / "done"
    work = Forked(lambda: marker.write_text(str(os.getpid())))
    work.wait()
    assert marker.read_text() != str(os.getpid())  # it ran in another process


def test_an_error_in_the_child_is_raised_in_the_parent_with_its_kind():
    def fail():
        raise CheckFailed("mine.ttl: ex:Role fails RoleShape: no label.")

    work = Forked(fail)
    with pytest.raises(CheckFailed, match=r"^mine\.ttl: ex:Role fails RoleShape: no label\.$"):
        work.wait()


def test_poll_raises_only_once_the_child_has_failed():
    def slow_fail():
        time.sleep(0.5)
        raise CheckFailed("late")

    work = Forked(slow_fail)
    work.poll()  # still at work: returns at once
    assert work.running
    deadline = time.monotonic() + 10
    while work.running and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(CheckFailed, match="late"):
        work.poll()


def test_kill_stops_a_child_at_work():
    work = Forked(lambda: time.sleep(60))
    pid = work._pid
    started = time.monotonic()
    work.kill()
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left behind


def test_the_child_hands_back_what_it_writes():
    """The shapes' warnings of 'aikg add' come back this way from the forked check; more than
    a pipe holds, so the parent must read while the child writes."""
    work = Forked(lambda out: out.write(b"w" * 300_000), output=True)
    assert work.wait() == b"w" * 300_000


#: set to make the next fork's at-fork hook (below) press Ctrl-C, once
_PRESS_DURING_FORK: list[bool] = []


def _press_ctrl_c_in_the_fork_hook() -> None:
    if _PRESS_DURING_FORK:
        _PRESS_DURING_FORK.clear()
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(10_000):  # Python runs the signal handler here, inside the hook
            pass


os.register_at_fork(before=_press_ctrl_c_in_the_fork_hook)


def test_ctrl_c_while_the_process_forks_stops_the_work():
    """Python drops a KeyboardInterrupt raised in an at-fork hook (kg.store.ahead waits there
    for a loading thread), so a Ctrl-C at that moment was lost and 'aikg prepare' ran on."""
    from kg.query import killable

    received: list[bytes] = []
    _PRESS_DURING_FORK.append(True)
    with pytest.raises(KeyboardInterrupt):
        killable.run(lambda out: out.write(b"answer"), received.append)
    assert received == [] and not _PRESS_DURING_FORK
    killable.run(lambda out: out.write(b"answer"), received.append)  # the next one runs
    assert received == [b"answer"]
