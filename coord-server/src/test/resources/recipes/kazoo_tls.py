"""kazoo over TLS (use_ssl=True, PEM certificate files): x509 ACLs, a client without a certificate.

Usage: kazoo_tls.py HOST:PORT CERTDIR ALICE_SUBJECT. Prints one line per step; the Java test compares the lines
printed against ZooKeeper with those printed against Corral.
"""
import os
import sys

from kazoo.client import KazooClient
from kazoo.exceptions import KazooException
from kazoo.security import make_acl

hosts, certdir, alice_subject = sys.argv[1], sys.argv[2], sys.argv[3]


def pem(name):
    return os.path.join(certdir, name)


def client(who):
    if who is None:
        return KazooClient(hosts=hosts, use_ssl=True, ca=pem("ca.pem"), timeout=10)
    return KazooClient(hosts=hosts, use_ssl=True, ca=pem("ca.pem"), certfile=pem(who + ".pem"),
                       keyfile=pem(who + ".pem"), timeout=10)


def step(name, fn):
    try:
        result = fn()
        print("%s: ok %r" % (name, result))
    except KazooException as e:
        print("%s: %s" % (name, type(e).__name__))
    except Exception as e:  # connection failures are outcomes too
        print("%s: %s" % (name, type(e).__name__))
    sys.stdout.flush()


alice = client("alice")
alice.start(timeout=15)
step("alice create", lambda: alice.create("/kazoo-tls", b"k", acl=[make_acl("x509", alice_subject, all=True)]))
step("alice get", lambda: alice.get("/kazoo-tls")[0])
step("alice acl", lambda: [str(a.id) for a in alice.get_acls("/kazoo-tls")[0]])

bob = client("bob")
bob.start(timeout=15)
step("bob get", lambda: bob.get("/kazoo-tls")[0])
step("bob set", lambda: bob.set("/kazoo-tls", b"b").version)
bob.stop()
bob.close()
alice.stop()
alice.close()

anon = client(None)
step("no certificate start", lambda: anon.start(timeout=4))
anon.stop()
anon.close()
print("kazoo tls: done")
