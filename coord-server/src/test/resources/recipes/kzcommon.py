"""Helpers shared by the recipes kazoo scripts: deterministic printing and self-checks.

Every script prints only values that are the same on any correct server (no session ids, zxids or times), so the
JUnit test can require ZooKeeper's and Corral's transcripts to be identical.
"""
import sys
import threading

from kazoo.client import KazooClient
from kazoo.protocol.states import ZnodeStat


def out(line):
    print(line, flush=True)


def fail(step, message):
    out("FAIL %s: %s" % (step, message))
    sys.exit(1)


def check(step, actual, expected):
    if actual != expected:
        fail(step, "expected %r, got %r" % (expected, actual))
    out("ok %s" % step)


def outcome(fn, *args, **kwargs):
    """Runs fn; returns 'ok' or the kazoo exception class name."""
    try:
        fn(*args, **kwargs)
        return "ok"
    except Exception as e:  # noqa: BLE001 - the class name is the outcome
        return type(e).__name__


def fmt(value):
    """A printable, server-independent form of a kazoo result."""
    if isinstance(value, Exception):
        return type(value).__name__
    if isinstance(value, ZnodeStat):
        return "stat(version=%d,cversion=%d,aversion=%d,dataLength=%d,numChildren=%d)" % (
            value.version, value.cversion, value.aversion, value.dataLength, value.numChildren)
    if isinstance(value, bytes):
        return "b%r" % value.decode("utf-8")
    if isinstance(value, list):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    if hasattr(value, "perms") and hasattr(value, "id"):
        return "%s:%s/%d" % (value.id.scheme, value.id.id, value.perms)
    return repr(value)


def client(hosts, auth=None):
    zk = KazooClient(hosts=hosts, timeout=10.0)
    zk.start(timeout=20)
    if auth is not None:
        zk.add_auth(*auth)
    return zk


def caught_up(sessions, path):
    """ZooKeeper orders one session's operations, not two sessions': against an ensemble, a reader may sit on a
    member that has not yet applied another session's last write (NoNodeError where NoAuthError was meant), so the
    readers sync first."""
    for zk in sessions:
        zk.sync(path)


class Recorder:
    """Calls recorded by watchers, with a wait for the n-th."""

    def __init__(self):
        self.calls = []
        self.cond = threading.Condition()

    def add(self, item):
        with self.cond:
            self.calls.append(item)
            self.cond.notify_all()

    def wait_for(self, n, step, timeout=10):
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.calls) >= n, timeout=timeout):
                fail(step, "calls so far: %r" % self.calls)
            return list(self.calls)
