#!/usr/bin/python3
"""kazoo ACLs: digest auth (add_auth, make_digest_acl), one NoAuthError per permission bit, get_acls redaction.

usage: kazoo_acl.py HOST:PORT; prints deterministic lines, 'FAIL ...' and exit 1 on a mismatch with ZooKeeper's
semantics, 'kazoo acl: all ok' last.
"""
import sys

from kazoo.exceptions import NoAuthError
from kazoo.security import OPEN_ACL_UNSAFE, make_acl, make_digest_acl

from kzcommon import caught_up, check, client, fmt, out, outcome

R = "/acl"
PERMS = ["read", "write", "create", "delete", "admin"]


def all_but(missing):
    return make_acl("world", "anyone", **{p: p != missing for p in PERMS})


def attempt(zk, perm, node):
    """The operation that needs `perm` on `node`."""
    if perm == "read":
        return outcome(zk.get, node)
    if perm == "write":
        return outcome(zk.set, node, b"written")
    if perm == "create":
        return outcome(zk.create, node + "/new", b"")
    if perm == "delete":
        return outcome(zk.delete, node + "/c")  # DELETE is checked on the parent
    if perm == "admin":
        return outcome(zk.set_acls, node, [all_but(perm), ALICE])
    raise ValueError(perm)


ALICE = make_digest_acl("alice", "secret", all=True)


def main():
    hosts = sys.argv[1]
    alice = client(hosts, ("digest", "alice:secret"))
    bob = client(hosts, ("digest", "bob:pw"))
    wrong = client(hosts, ("digest", "alice:wrong"))
    anon = client(hosts)
    others = (bob, wrong, anon)
    try:
        if alice.exists(R):
            alice.delete(R, recursive=True)
        alice.create(R, b"")
        out("alice acl: %s" % fmt([ALICE]))

        # One node per permission bit: everything for alice, everything but that bit for the world.
        for perm in PERMS:
            node = "%s/no-%s" % (R, perm)
            alice.create(node, b"data")
            alice.create(node + "/c", b"")
            alice.set_acls(node, [all_but(perm), ALICE])
        caught_up(others, R)
        for perm in PERMS:
            node = "%s/no-%s" % (R, perm)
            # bob (digest, not alice) and an unauthenticated client are denied exactly that bit...
            check("bob-denied-%s" % perm, attempt(bob, perm, node), "NoAuthError")
            check("anon-denied-%s" % perm, attempt(anon, perm, node), "NoAuthError")
            # ...and get the other bits.
            for other in PERMS:
                if other not in (perm, "delete", "admin"):
                    check("bob-allowed-%s-on-no-%s" % (other, perm), attempt(bob, other, node), "ok")
            # alice has them all through her digest ACL entry.
            check("alice-allowed-%s" % perm, attempt(alice, perm, node), "ok")
        # getChildren needs READ too.
        check("bob-denied-children", outcome(bob.get_children, R + "/no-read"), "NoAuthError")
        # exists too, in ZooKeeper 3.9 (an exists watch would otherwise leak changes).
        check("bob-denied-exists", outcome(bob.exists, R + "/no-read"), "NoAuthError")

        # A node only alice may touch: the wrong password is another identity.
        alice.create(R + "/alice-only", b"secret-data", acl=[ALICE])
        caught_up(others, R)
        check("alice-read", alice.get(R + "/alice-only")[0], b"secret-data")
        check("wrong-password-read", outcome(wrong.get, R + "/alice-only"), "NoAuthError")
        check("anon-read", outcome(anon.get, R + "/alice-only"), "NoAuthError")
        check("anon-write", outcome(anon.set, R + "/alice-only", b"x"), "NoAuthError")
        check("anon-create", outcome(anon.create, R + "/alice-only/kid", b""), "NoAuthError")

        # (The "auth" scheme is in kazoo_acl_auth_scheme.py: it stops Corral's request processor.)

        # get_acls: an admin sees the digests; a client without ADMIN sees them redacted.
        redaction = R + "/redaction"
        alice.create(redaction, b"", acl=[ALICE, make_acl("world", "anyone", read=True),
                                          make_digest_acl("carol", "pw", read=True, write=True)])
        caught_up(others, R)
        full = fmt(alice.get_acls(redaction)[0])
        seen_by_bob = fmt(bob.get_acls(redaction)[0])
        out("get_acls by admin: %s" % full)
        out("get_acls by non-admin: %s" % seen_by_bob)
        check("admin-sees-digests", "alice:x" not in full and "carol:x" not in full, True)
        check("non-admin-redacted", seen_by_bob,
              "[digest:alice:x/31, world:anyone/1, digest:carol:x/3]")
        check("non-admin-redacted-no-admin-node", fmt(bob.get_acls(R + "/no-admin")[0]),
              "[world:anyone/15, digest:alice:x/31]")
        # No READ, no ADMIN: what get_acls answers (printed, compared across servers).
        alice.create(R + "/no-read-no-admin", b"", acl=[ALICE, make_acl("world", "anyone", write=True)])
        caught_up(others, R)
        out("get_acls without read and admin: %s" % fmt(
            outcome(bob.get_acls, R + "/no-read-no-admin")))

        # set_acls with a stale aversion.
        check("set-acls-bad-version", outcome(alice.set_acls, redaction, [ALICE], version=5), "BadVersionError")
        check("set-acls-version", alice.set_acls(redaction, [ALICE], version=0).aversion, 1)
        check("open-acl", fmt(OPEN_ACL_UNSAFE), "[world:anyone/31]")

        alice.delete(R, recursive=True)
        check("cleaned", alice.exists(R), None)
    finally:
        for zk in (alice, bob, wrong, anon):
            zk.stop()
            zk.close()
    out("kazoo acl: all ok")


if __name__ == "__main__":
    main()
