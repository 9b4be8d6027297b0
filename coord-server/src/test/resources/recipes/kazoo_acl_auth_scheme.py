#!/usr/bin/python3
"""kazoo ACL with the "auth" scheme: make_acl("auth", "") - kazoo sends the empty id as a null string (-1).

ZooKeeper expands it into the creator's authenticated ids, and answers INVALIDACL to a creator without any.

usage: kazoo_acl_auth_scheme.py HOST:PORT; 'kazoo acl auth scheme: all ok' last.
"""
import sys

from kazoo.security import make_acl, make_digest_acl

from kzcommon import caught_up, check, client, fmt, out, outcome

R = "/acl-auth"
ALICE = make_digest_acl("alice", "secret", all=True)


def main():
    hosts = sys.argv[1]
    alice = client(hosts, ("digest", "alice:secret"))
    anon = client(hosts)
    try:
        if alice.exists(R):
            alice.delete(R, recursive=True)
        alice.create(R, b"")
        alice.create(R + "/by-auth", b"", acl=[make_acl("auth", "", all=True)])
        acls, stat = alice.get_acls(R + "/by-auth")
        out("auth-scheme acl seen by alice: %s (aversion %d)" % (fmt(acls), stat.aversion))
        check("auth-scheme-expanded", fmt(acls), fmt([ALICE]))
        check("auth-scheme-without-auth", outcome(anon.create, R + "/anon-auth", b"",
                                                  acl=[make_acl("auth", "", all=True)]), "InvalidACLError")
        alice.set_acls(R + "/by-auth", [make_acl("auth", "", read=True, write=True)])
        check("auth-scheme-set-acls", fmt(alice.get_acls(R + "/by-auth")[0]), "[digest:alice:x/3]")  # no ADMIN left: redacted
        caught_up([anon], R)
        check("auth-scheme-anon-denied", outcome(anon.get, R + "/by-auth"), "NoAuthError")
        alice.delete(R, recursive=True)
    finally:
        for zk in (alice, anon):
            zk.stop()
            zk.close()
    out("kazoo acl auth scheme: all ok")


if __name__ == "__main__":
    main()
