package dev.corral.server.pipeline;

import org.apache.zookeeper.proto.ConnectRequest;

/** What the network layer hands to the request processor. */
sealed interface Work {
    /** {@code legacy}: the client sent no readOnly flag (before 3.3), so the reply carries none either. */
    record Connect(ClientConnection conn, ConnectRequest request, boolean legacy) implements Work {
    }

    /** A request frame, header already read; the body starts at {@code bodyOffset} of {@code frame}. */
    record Request(ClientConnection conn, int xid, int type, byte[] frame, int bodyOffset, long receivedNanos)
            implements Work {
    }

    record Disconnected(ClientConnection conn) implements Work {
    }

    /** A txn the ensemble committed, in zxid order. */
    record Committed(long zxid, byte[] payload) implements Work {
    }

    /** A host frame from another server of the ensemble. */
    record PeerMessage(int from, byte[] frame) implements Work {
    }

    record Status(ReplicaStatus status) implements Work {
    }

    /** Runs arbitrary code on the processor thread (admin queries, tests). */
    record Task(Runnable task) implements Work {
    }
}
