#!/usr/bin/python3
"""kazoo watches: DataWatch, ChildrenWatch, one-shot exists/get_children watches, and add_watch (persistent
recursive) when this kazoo has it.

usage: kazoo_watch.py HOST:PORT; prints deterministic lines, 'FAIL ...' and exit 1 on a mismatch with ZooKeeper's
semantics, 'kazoo watch: all ok' last.
"""
import sys

import kazoo
from kazoo.client import KazooClient

from kzcommon import Recorder, check, client, fmt, out

R = "/watch"


def main():
    hosts = sys.argv[1]
    zk = client(hosts)
    other = client(hosts)
    try:
        if zk.exists(R):
            zk.delete(R, recursive=True)
        zk.create(R, b"")
        data_watch(zk, other)
        children_watch(zk, other)
        one_shot(zk, other)
        persistent(zk, other)
        zk.delete(R, recursive=True)
    finally:
        for c in (zk, other):
            c.stop()
            c.close()
    out("kazoo watch: all ok")


def data_watch(zk, other):
    node = R + "/d"
    rec = Recorder()

    @zk.DataWatch(node)
    def on_data(data, stat, event=None):
        rec.add("%s version=%s event=%s" % (fmt(data), stat.version if stat else None,
                                            event.type if event else None))

    rec.wait_for(1, "datawatch-initial")
    other.create(node, b"one")
    rec.wait_for(2, "datawatch-created")
    other.set(node, b"two")
    rec.wait_for(3, "datawatch-changed")
    other.set(node, b"three")
    rec.wait_for(4, "datawatch-changed-again")
    other.delete(node)
    calls = rec.wait_for(5, "datawatch-deleted")
    for c in calls:
        out("DataWatch: " + c)
    check("datawatch-calls", calls, [
        "None version=None event=None",
        "b'one' version=0 event=CREATED",
        "b'two' version=1 event=CHANGED",
        "b'three' version=2 event=CHANGED",
        "None version=None event=DELETED"])


def children_watch(zk, other):
    parent = R + "/kids"
    zk.create(parent, b"")
    rec = Recorder()

    @zk.ChildrenWatch(parent)
    def on_children(children):
        rec.add(sorted(children))

    rec.wait_for(1, "childrenwatch-initial")
    other.create(parent + "/a", b"")
    rec.wait_for(2, "childrenwatch-a")
    other.create(parent + "/b", b"")
    rec.wait_for(3, "childrenwatch-b")
    other.set(parent + "/a", b"data change is not a child event")
    other.create(parent + "/a/grandchild", b"")  # not a child of parent either
    other.delete(parent + "/a/grandchild")
    other.delete(parent + "/a")
    calls = rec.wait_for(4, "childrenwatch-delete")
    e = other.create(parent + "/e", b"", ephemeral=True)
    rec.wait_for(5, "childrenwatch-ephemeral")
    other.delete(e)
    calls = rec.wait_for(6, "childrenwatch-ephemeral-gone")
    for c in calls:
        out("ChildrenWatch: %r" % c)
    check("childrenwatch-calls", calls, [[], ["a"], ["a", "b"], ["b"], ["b", "e"], ["b"]])


def one_shot(zk, other):
    node = R + "/once"
    rec = Recorder()

    def watcher(event):
        rec.add("%s %s %s" % (event.type, event.state, event.path))

    check("exists-missing", zk.exists(node, watch=watcher), None)
    other.create(node, b"x")
    rec.wait_for(1, "exists-watch")
    other.set(node, b"y")  # no watch left: one-shot
    zk.get_children(R, watch=watcher)
    other.create(R + "/sibling", b"")
    rec.wait_for(2, "children-watch")
    zk.get(node, watch=watcher)
    other.delete(node)
    calls = rec.wait_for(3, "get-watch-delete")
    for c in calls:
        out("one-shot: " + c)
    check("one-shot-calls", calls, [
        "CREATED CONNECTED /watch/once", "CHILD CONNECTED /watch", "DELETED CONNECTED /watch/once"])


def persistent(zk, other):
    if not hasattr(KazooClient, "add_watch"):
        out("add_watch: not available in kazoo %s, persistent recursive part skipped" % kazoo.__version__)
        return
    from kazoo.protocol.states import AddWatchMode  # noqa: PLC0415 - only in kazoo versions with add_watch
    base = R + "/p"
    other.create(base, b"")
    rec = Recorder()
    zk.add_watch(base, lambda event: rec.add("%s %s" % (event.type, event.path)), AddWatchMode.PERSISTENT_RECURSIVE)
    other.create(base + "/a", b"")
    other.create(base + "/a/b", b"")
    other.set(base + "/a/b", b"x")
    other.set(base + "/a/b", b"y")
    other.delete(base + "/a/b")
    calls = rec.wait_for(5, "add-watch")
    for c in calls:
        out("add_watch: " + c)
    check("add-watch-calls", calls, [
        "CREATED /watch/p/a", "CREATED /watch/p/a/b", "CHANGED /watch/p/a/b", "CHANGED /watch/p/a/b",
        "DELETED /watch/p/a/b"])


if __name__ == "__main__":
    main()
