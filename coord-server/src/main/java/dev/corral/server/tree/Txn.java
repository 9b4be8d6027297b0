package dev.corral.server.tree;

import java.util.List;
import org.apache.zookeeper.data.ACL;

/**
 * A prepared change to the tree or the session table: everything decided (final path, ACL, owner), so that every
 * replica that applies it in zxid order ends in the same state.
 */
public sealed interface Txn {

    /** {@code data} may be null: ZooKeeper keeps null data apart from empty data. */
    record Create(String path, byte[] data, List<ACL> acl, NodeKind kind, long ephemeralOwner, long ttlMs)
            implements Txn {
    }

    record Delete(String path) implements Txn {
    }

    /** {@code data} may be null, as in {@link Create}. */
    record SetData(String path, byte[] data) implements Txn {
    }

    record SetAcl(String path, List<ACL> acl) implements Txn {
    }

    /** A version check inside a multi: changes nothing. */
    record Check(String path) implements Txn {
    }

    /** The ops of a multi, applied atomically under one zxid, each seeing the ones before it. */
    record Multi(List<Txn> ops) implements Txn {
    }

    /**
     * A write that failed when it was prepared: it changes nothing, but takes its place in the order so that the
     * server holding the client's connection answers it in turn (ZooKeeper's ErrorTxn).
     */
    record Error(int code) implements Txn {
    }

    record CreateSession(long sessionId, byte[] password, int timeoutMs) implements Txn {
    }

    record CloseSession(long sessionId) implements Txn {
    }

    /**
     * A membership change (reconfig): the new configuration's {@code server.N=} lines, one per member in id order,
     * each ending in a newline, and its version: the zxid the txn gets as ZooKeeper writes zxids (the leader's epoch
     * in the high 32 bits, the counter in the low ones). Applied, it becomes {@code /zookeeper/config}.
     */
    record Reconfig(long version, String serverLines) implements Txn {
    }
}
