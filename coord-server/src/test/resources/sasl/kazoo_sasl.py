"""kazoo with SASL (sasl_options, pure-sasl): DIGEST-MD5 users, or GSSAPI with the ticket the environment gives.

Usage: kazoo_sasl.py HOST:PORT digest | kazoo_sasl.py HOST:PORT gssapi PRINCIPAL. Prints one line per step; the Java
test compares the lines printed against ZooKeeper with those printed against Corral.
"""
import logging
import sys
import time

from kazoo.client import KazooClient
from kazoo.security import make_acl

hosts, mode = sys.argv[1], sys.argv[2]

# kazoo logs "AUTH_FAILED closing" from its connection thread, before or after start() returns by timing: record
# refusals here and print them at a fixed point instead.
auth_failures = []


class SeenRefusals(logging.Handler):
    def emit(self, record):
        if record.getMessage().startswith("AUTH_FAILED"):
            auth_failures.append(record.getMessage())


kazoo_log = logging.getLogger("kazoo")
kazoo_log.addHandler(SeenRefusals())
kazoo_log.propagate = False


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


def start(name, client):
    """The outcome of the session and its SASL exchange, whatever the order kazoo reports them in: start() returns
    once the session is up, which may be before or after the server refused the exchange (then it may also time
    out). A first request after start() goes behind the exchange, so it tells which it was."""
    before = len(auth_failures)
    try:
        client.start(timeout=15)
        client.exists("/")
        outcome = "session"
    except Exception:
        outcome = "refused"
    deadline = time.time() + 10
    while outcome == "refused" and len(auth_failures) == before and time.time() < deadline:
        time.sleep(0.05)
    print("%s start: %s%s" % (name, outcome, " (AUTH_FAILED)" if len(auth_failures) > before else ""))
    sys.stdout.flush()


def refused(name, client):
    start(name, client)
    # kazoo passes through AUTH_FAILED on its way to CLOSED: report where it ends.
    deadline = time.time() + 10
    while client.client_state != "CLOSED" and time.time() < deadline:
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
start("owner", owner)
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
    start("other", bob)
    step("other get", lambda: bob.get("/kazoo-sasl")[0])
    step("other set", lambda: bob.set("/kazoo-sasl", b"b").version)
    stop(bob)

    refused("wrong password", digest("alice", "not-her-password"))
    refused("unknown user", digest("mallory", "whatever"))

anon = KazooClient(hosts=hosts, timeout=10)
start("anonymous", anon)
step("anonymous get", lambda: anon.get("/kazoo-sasl")[0])
step("anonymous exists", lambda: anon.exists("/kazoo-sasl") is not None)
stop(anon)
print("kazoo sasl: done")
