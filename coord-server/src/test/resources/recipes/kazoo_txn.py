#!/usr/bin/python3
"""kazoo transactions (multi): one that commits, failing ones with their per-op results, nothing applied on failure.

usage: kazoo_txn.py HOST:PORT; prints deterministic lines, 'FAIL ...' and exit 1 on a mismatch with ZooKeeper's
semantics, 'kazoo txn: all ok' last.
"""
import sys

from kzcommon import check, client, fmt, out

R = "/txn"


def snapshot(zk, path):
    """Data, version and cversion of path and its children, recursively: what a failed multi must not change."""
    data, stat = zk.get(path)
    lines = ["%s %s v%d cv%d n%d" % (path, fmt(data), stat.version, stat.cversion, stat.numChildren)]
    for child in sorted(zk.get_children(path)):
        lines.extend(snapshot(zk, path + "/" + child))
    return lines


def run_failing(zk, name, build, expected):
    before = snapshot(zk, R)
    t = zk.transaction()
    build(t)
    results = t.commit()
    out("%s results: %s" % (name, fmt(results)))
    check(name + "-results", [fmt(r) for r in results], expected)
    after = snapshot(zk, R)
    check(name + "-nothing-applied", after, before)


def main():
    zk = client(sys.argv[1])
    try:
        if zk.exists(R):
            zk.delete(R, recursive=True)  # left by an interrupted run by hand
        zk.create(R, b"root")

        # A transaction that commits: every op's result, in order.
        t = zk.transaction()
        t.create(R + "/a", b"a0")
        t.create(R + "/b", b"b0")
        t.set_data(R + "/a", b"a1")
        t.check(R + "/a", 1)
        t.create(R + "/c-", b"seq", sequence=True)
        t.delete(R + "/b")
        t.create(R + "/a/deep", b"d")
        results = t.commit()
        out("commit results: %s" % fmt(results))
        check("commit-results", [fmt(r) for r in results], [
            "'/txn/a'", "'/txn/b'",
            "stat(version=1,cversion=0,aversion=0,dataLength=2,numChildren=0)",
            "True", "'/txn/c-0000000002'", "True", "'/txn/a/deep'"])
        for line in snapshot(zk, R):
            out("after commit: " + line)
        check("commit-applied", snapshot(zk, R), [
            "/txn b'root' v0 cv4 n2",
            "/txn/a b'a1' v1 cv1 n1",
            "/txn/a/deep b'd' v0 cv0 n0",
            "/txn/c-0000000002 b'seq' v0 cv0 n0"])

        # Failing in the middle on a version check: ops before are rolled back, ops after never ran.
        def bad_check(t):
            t.create(R + "/x", b"x")
            t.set_data(R + "/a", b"a2")
            t.check(R + "/a", 7)
            t.delete(R + "/c-0000000002")
            t.create(R + "/a", b"dup")
        run_failing(zk, "fail-check", bad_check, [
            "RolledBackError", "RolledBackError", "BadVersionError", "RuntimeInconsistency",
            "RuntimeInconsistency"])

        # Failing on the first op (delete of a missing node).
        def bad_first(t):
            t.delete(R + "/missing")
            t.create(R + "/y", b"y")
            t.set_data(R + "/a", b"a3")
        run_failing(zk, "fail-first", bad_first, ["NoNodeError", "RuntimeInconsistency", "RuntimeInconsistency"])

        # Failing on the last op: create of an existing node after a delete and a sequential create.
        def bad_last(t):
            t.delete(R + "/a/deep")
            t.create(R + "/s-", b"", sequence=True)
            t.set_data(R + "/a", b"a4", version=1)
            t.create(R + "/a", b"exists")
        run_failing(zk, "fail-last", bad_last, [
            "RolledBackError", "RolledBackError", "RolledBackError", "NodeExistsError"])

        # Failing on a delete of a node with children, and on set_data with a bad version.
        def bad_delete(t):
            t.set_data(R, b"changed")
            t.delete(R + "/a")
        run_failing(zk, "fail-not-empty", bad_delete, ["RolledBackError", "NotEmptyError"])

        def bad_set(t):
            t.create(R + "/z", b"z")
            t.set_data(R + "/a", b"a5", version=0)
        run_failing(zk, "fail-set-version", bad_set, ["RolledBackError", "BadVersionError"])

        # Failed creates did not advance the parent's sequence counter. (3 is ZooKeeper's value: the delete in
        # the committed multi raised the parent's cversion to 4 but not the number the next sequential create
        # gets; a plain create/create/delete does the same outside a multi.)
        check("sequence-after-failures", zk.create(R + "/c-", b"", sequence=True), R + "/c-0000000003")
        for line in snapshot(zk, R):
            out("final: " + line)
        zk.delete(R, recursive=True)
    finally:
        zk.stop()
        zk.close()
    out("kazoo txn: all ok")


if __name__ == "__main__":
    main()
