"""Take away this process's ability to reach the network (defence in depth for queries).

pyoxigraph evaluates SERVICE (and LOAD in updates) with its own HTTP client, in Rust, below
Python's audit hooks, and has no option to turn that client off. The query guard
(:func:`kg.query.sparql.check_safe`) refuses such queries on their parsed algebra; this module is
the second wall: a process that calls :func:`deny_network` cannot open a network connection
at all, whatever the engine tries.

Mechanisms, tried in order (Linux only; elsewhere nothing is applied and the guard stands
alone):

1. ``netns``: a new, empty network namespace (``unshare(CLONE_NEWNET)``, needs root or
   CAP_SYS_ADMIN). No interface is up, so every TCP, UDP and DNS attempt fails at once.
2. ``landlock``: a Landlock ruleset (Linux 6.7+, no privilege needed) that handles
   TCP connect and bind with no rule allowing any port: TCP connections fail with EACCES.
   UDP (so a DNS lookup) is not covered by Landlock.

Both apply to the calling thread and to every thread and process it starts afterwards, so
call it early, before the engine starts threads. Neither can be undone by the process.
"""

from __future__ import annotations

import ctypes
import os
import sys

CLONE_NEWNET = 0x40000000
_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_ACCESS_NET_BIND_TCP = 1
_LANDLOCK_ACCESS_NET_CONNECT_TCP = 2
_PR_SET_NO_NEW_PRIVS = 38

_applied: str | None = None


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
    ]


def deny_network() -> str:
    """Cut this process off the network; return the mechanism used ('none' if none works).

    Idempotent: a second call returns the first call's answer.

    >>> deny_network() in ("netns", "landlock", "none")  # doctest: +SKIP
    True
    """
    global _applied
    if _applied is not None:
        return _applied
    _applied = "none"
    if not sys.platform.startswith("linux"):
        return _applied
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return _applied
    if libc.unshare(CLONE_NEWNET) == 0:
        _applied = "netns"
    elif _landlock(libc):
        _applied = "landlock"
    return _applied


def mechanism() -> str | None:
    """What :func:`deny_network` applied in this process, or None when it was not called."""
    return _applied


def _landlock(libc) -> bool:
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    abi = syscall(_SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                  ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION))
    if abi < 4:  # network rules arrived with ABI 4 (Linux 6.7)
        return False
    attr = _RulesetAttr(0, _LANDLOCK_ACCESS_NET_BIND_TCP | _LANDLOCK_ACCESS_NET_CONNECT_TCP)
    fd = syscall(_SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr),
                 ctypes.c_size_t(ctypes.sizeof(attr)), ctypes.c_uint32(0))
    if fd < 0:
        return False
    try:
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        return syscall(_SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(fd), ctypes.c_uint32(0)) == 0
    finally:
        os.close(fd)
