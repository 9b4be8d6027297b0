#!/usr/bin/env python3
"""Corral's paged getChildren (opcode 1001) from python kazoo: the request as a kazoo protocol record, sent over the
kazoo client's own connection with its (internal, but stable since kazoo 2.0) _call.

    from kazoo_paged_children import children_page, all_children
    names, more, stat = children_page(client, "/big", after="", max_count=1000)
    every = all_children(client, "/big", page_size=10000)

Run as a script it lists a parent: kazoo_paged_children.py HOST:PORT PATH [PAGE_SIZE]
"""
import sys
from collections import namedtuple

from kazoo.client import KazooClient
from kazoo.protocol.serialization import ZnodeStat, bool_struct, int_struct, read_string, stat_struct, write_string


class GetChildrenPage(namedtuple('GetChildrenPage', 'path after max_count')):
    """Request: path, after (names after it in byte order), max_count. Reply: names, more, the parent's Stat."""
    type = 1001

    def serialize(self):
        b = bytearray()
        b.extend(write_string(self.path))
        b.extend(write_string(self.after))
        b.extend(int_struct.pack(self.max_count))
        return b

    @classmethod
    def deserialize(cls, data, offset):
        count = int_struct.unpack_from(data, offset)[0]
        offset += int_struct.size
        names = []
        for _ in range(max(count, 0)):
            name, offset = read_string(data, offset)
            names.append(name)
        more = bool_struct.unpack_from(data, offset)[0]
        offset += bool_struct.size
        stat = ZnodeStat._make(stat_struct.unpack_from(data, offset))
        return names, bool(more), stat


def children_page(client, path, after="", max_count=1000):
    """One page: (names, more, parent stat). Raises kazoo's errors (NoNodeError, NoAuthError, BadArgumentsError)."""
    async_result = client.handler.async_result()
    client._call(GetChildrenPage(path, after, max_count), async_result)
    return async_result.get()


def all_children(client, path, page_size=10000):
    """Every child of path, page_size per request."""
    names, after = [], ""
    while True:
        page, more, _ = children_page(client, path, after, page_size)
        names.extend(page)
        if not more or not page:
            return names
        after = page[-1]


if __name__ == "__main__":
    hosts, parent = sys.argv[1], sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    zk = KazooClient(hosts=hosts)
    zk.start(timeout=30)
    try:
        pages, names, after = 0, [], ""
        while True:
            page, more, stat = children_page(zk, parent, after, size)
            pages += 1
            names.extend(page)
            if not more or not page:
                break
            after = page[-1]
        print("pages %d" % pages)
        print("children %d" % len(names))
        print("sorted-unique %s" % (names == sorted(set(names), key=lambda n: n.encode("utf-8"))))
        print("parent-numChildren %d" % stat.numChildren)
    finally:
        zk.stop()
        zk.close()
