#!/usr/bin/python3
"""Smoke test of a ZooKeeper-protocol server with python kazoo (Debian python3-kazoo).

usage: kazoo_smoke.py HOST:PORT

Exercises create/get/set/children/ephemeral/sequence/watches/delete/null data and prints one "ok <step>" line per step.
Any mismatch prints "FAIL <step>: ..." and exits 1; the last line on success is "kazoo smoke: all ok".
"""
import sys
import threading

from kazoo.client import KazooClient
from kazoo.exceptions import BadVersionError, NodeExistsError, NoNodeError, NotEmptyError
from kazoo.protocol.states import EventType

ROOT = "/kazoo-smoke"


def fail(step, message):
    print("FAIL %s: %s" % (step, message), flush=True)
    sys.exit(1)


def check(step, actual, expected):
    if actual != expected:
        fail(step, "expected %r, got %r" % (expected, actual))
    print("ok %s" % step, flush=True)


def expect_error(step, exc_type, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc_type:
        print("ok %s" % step, flush=True)
        return
    except Exception as e:  # noqa: BLE001 - any other error is a mismatch too
        fail(step, "expected %s, got %r" % (exc_type.__name__, e))
    fail(step, "expected %s, got no error" % exc_type.__name__)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    zk = KazooClient(hosts=sys.argv[1], timeout=10.0)
    zk.start(timeout=20)
    other = KazooClient(hosts=sys.argv[1], timeout=10.0)
    other.start(timeout=20)
    try:
        run(zk, other)
    finally:
        other.stop()
        other.close()
        zk.stop()
        zk.close()
    print("kazoo smoke: all ok", flush=True)


def run(zk, other):
    # create / get / stat
    check("create", zk.create(ROOT, b"root-data"), ROOT)
    expect_error("create-exists", NodeExistsError, zk.create, ROOT, b"again")
    data, stat = zk.get(ROOT)
    check("get-data", data, b"root-data")
    check("get-version", stat.version, 0)
    check("get-length", stat.dataLength, 9)
    check("exists-missing", zk.exists(ROOT + "/missing"), None)
    expect_error("get-missing", NoNodeError, zk.get, ROOT + "/missing")

    # set with and without versions
    stat = zk.set(ROOT, b"v1")
    check("set-version", stat.version, 1)
    expect_error("set-bad-version", BadVersionError, zk.set, ROOT, b"v2", version=0)
    check("set-with-version", zk.set(ROOT, b"v2", version=1).version, 2)
    check("get-after-set", zk.get(ROOT)[0], b"v2")

    # children, ensure_path, makepath
    zk.create(ROOT + "/a/b/c", b"deep", makepath=True)
    check("makepath", zk.get(ROOT + "/a/b/c")[0], b"deep")
    zk.ensure_path(ROOT + "/a/b")
    check("children", sorted(zk.get_children(ROOT)), ["a"])
    children, cstat = zk.get_children(ROOT + "/a", include_data=True)
    check("children-with-stat", (children, cstat.numChildren), (["b"], 1))

    # sequence nodes: %010d suffixes counting the parent's creations
    s0 = zk.create(ROOT + "/seq-", b"", sequence=True)
    s1 = zk.create(ROOT + "/seq-", b"", sequence=True)
    check("sequence-0", s0, ROOT + "/seq-0000000001")  # /a was the parent's first child creation
    check("sequence-1", s1, ROOT + "/seq-0000000002")

    # ephemeral nodes belong to the session: visible to others, gone when the owner closes
    eph = other.create(ROOT + "/eph", b"mine", ephemeral=True)
    # Another session may sit on another server of an ensemble: ZooKeeper promises it sees this write only after a
    # sync (its server may not have applied the commit yet), so a correct client syncs first.
    zk.sync(eph)
    _, estat = zk.get(eph)
    check("ephemeral-owner", estat.ephemeralOwner, other.client_id[0])
    eseq = other.create(ROOT + "/eseq-", b"", ephemeral=True, sequence=True)
    check("ephemeral-sequence", eseq.startswith(ROOT + "/eseq-00000000"), True)
    expect_error("ephemeral-no-children", Exception, other.create, eph + "/child", b"")

    # one-shot watch through get(watch=...)
    fired = []
    got = threading.Event()

    def watcher(event):
        fired.append((event.type, event.path))
        got.set()

    zk.get(ROOT, watch=watcher)
    other.set(ROOT, b"changed-by-other")
    check("get-watch-fired", got.wait(10), True)
    check("get-watch-event", fired, [(EventType.CHANGED, ROOT)])

    # DataWatch: called with the current data, then on every change, then with None on delete
    seen = []
    changed = threading.Condition()

    @zk.DataWatch(ROOT + "/watched")
    def on_data(data, stat, event=None):
        with changed:
            seen.append(data)
            changed.notify_all()

    def wait_for(n, step):
        with changed:
            if not changed.wait_for(lambda: len(seen) >= n, timeout=10):
                fail(step, "DataWatch calls so far: %r" % seen)

    wait_for(1, "datawatch-initial")
    other.create(ROOT + "/watched", b"one")
    wait_for(2, "datawatch-created")
    other.set(ROOT + "/watched", b"two")
    wait_for(3, "datawatch-changed")
    other.delete(ROOT + "/watched")
    wait_for(4, "datawatch-deleted")
    check("datawatch-sequence", seen[:4], [None, b"one", b"two", None])

    # ChildrenWatch sees ephemerals vanish when their session ends
    kids = []
    kids_changed = threading.Condition()

    @zk.ChildrenWatch(ROOT)
    def on_children(children):
        with kids_changed:
            kids.append(sorted(children))
            kids_changed.notify_all()

    other.stop()
    with kids_changed:
        ok = kids_changed.wait_for(lambda: kids and not any(c.startswith("e") for c in kids[-1]), timeout=10)
    if not ok:
        fail("ephemerals-gone-watch", "children seen: %r" % kids)
    print("ok ephemerals-gone-watch", flush=True)
    check("ephemerals-gone", zk.exists(eph), None)
    check("children-after-close", sorted(zk.get_children(ROOT)), ["a", "seq-0000000001", "seq-0000000002"])

    # delete: versions, not-empty, recursive
    expect_error("delete-not-empty", NotEmptyError, zk.delete, ROOT + "/a")
    expect_error("delete-bad-version", BadVersionError, zk.delete, ROOT + "/seq-0000000001", version=5)
    zk.delete(ROOT + "/seq-0000000001", version=0)
    check("delete", zk.exists(ROOT + "/seq-0000000001"), None)
    zk.delete(ROOT, recursive=True)
    check("delete-recursive", zk.exists(ROOT), None)
    expect_error("delete-missing", NoNodeError, zk.delete, ROOT)
    null_data(zk)


def null_data(zk):
    """kazoo sends value=None as a buffer of length -1: ZooKeeper keeps it null (dataLength 0), apart from b""."""
    base = ROOT + "-null"
    zk.create(base, None)
    data, stat = zk.get(base)
    check("null-data-create", (data, stat.dataLength), (None, 0))
    zk.create(base + "/empty", b"")
    check("empty-data-create", zk.get(base + "/empty")[0], b"")
    zk.set(base + "/empty", None)
    data, stat = zk.get(base + "/empty")
    check("null-data-set", (data, stat.dataLength, stat.version), (None, 0, 1))
    zk.set(base, b"")
    check("empty-data-set", zk.get(base)[0], b"")
    zk.delete(base, recursive=True)


if __name__ == "__main__":
    main()
