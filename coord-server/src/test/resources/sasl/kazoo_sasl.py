"""kazoo with SASL (sasl_options, pure-sasl): DIGEST-MD5 users, or GSSAPI with the ticket the environment gives.

Usage: kazoo_sasl.py HOST:PORT digest | kazoo_sasl.py HOST:PORT gssapi PRINCIPAL. Prints one line per step; the Java
test compares the lines printed against ZooKeeper with those printed against Corral.
"""
import sys
import time

from kazoo.client import KazooClient
from kazoo.security import make_acl

hosts, mode = sys.argv[1], sys.argv[2]


def digest(user, password):
    return KazooClient(hosts=hosts, timeout=10, sasl_options={
        'mechanism': 'DIGEST-MD5', 'username': user, 'password': password})


def step(name, fn):
    try:
        print("%s: ok %r" % (name, fn()))
    except Exception as e:  # refusals and lost connections are outcomes too
        kind = type(e).__name__
        # After a refused SASL exchange kazoo goes AUTH_FAILED, then CLOSED: a request fails with either error,
        # depending on which state it meets, which is the client's timing.
        print("%s: %s" % (name, "AuthFailed/Closed" if kind in ("AuthFailedError", "ConnectionClosedError") else kind))
    sys.stdout.flush()


def refused(name, client):
    """kazoo's start() returns once the session is up, before SASL: wait for the outcome of the exchange."""
    step(name + " start", lambda: client.start(timeout=15))
    deadline = time.time() + 10
    while client.client_state == "CONNECTED" and time.time() < deadline:
        time.sleep(0.05)
    step(name + " state", lambda: client.client_state)
    step(name + " get", lambda: client.get("/kazoo-sasl")[0])
    stop(client)


def stop(client):
    client.stop()
    client.close()


if mode == "digest":
    owner, owner_id = digest("alice", "alice-secret"), "alice"
else:
    owner_id = sys.argv[3]
    owner = KazooClient(hosts=hosts, timeout=10, sasl_options={
        'mechanism': 'GSSAPI', 'service': 'zookeeper', 'principal': owner_id})
step("owner start", lambda: owner.start(timeout=15))
step("owner create", lambda: owner.create("/kazoo-sasl", b"s", acl=[make_acl("sasl", owner_id, all=True)]))
step("owner get", lambda: owner.get("/kazoo-sasl")[0])
step("owner acl", lambda: [(a.perms, a.id.scheme, a.id.id) for a in owner.get_acls("/kazoo-sasl")[0]])
step("owner create creator acl", lambda: owner.create("/kazoo-sasl-auth", b"a",
                                                      acl=[make_acl("auth", "", all=True)]))
step("owner creator acl", lambda: [(a.perms, a.id.scheme, a.id.id)
                                   for a in owner.get_acls("/kazoo-sasl-auth")[0]])
stop(owner)

if mode == "digest":
    bob = digest("bob", "bob-secret")
    step("other start", lambda: bob.start(timeout=15))
    step("other get", lambda: bob.get("/kazoo-sasl")[0])
    step("other set", lambda: bob.set("/kazoo-sasl", b"b").version)
    stop(bob)

    refused("wrong password", digest("alice", "not-her-password"))
    refused("unknown user", digest("mallory", "whatever"))

anon = KazooClient(hosts=hosts, timeout=10)
step("anonymous start", lambda: anon.start(timeout=15))
step("anonymous get", lambda: anon.get("/kazoo-sasl")[0])
step("anonymous exists", lambda: anon.exists("/kazoo-sasl") is not None)
stop(anon)
print("kazoo sasl: done")
