package dev.corral.server.pipeline;

import org.apache.zookeeper.proto.ConnectRequest;

/** What the network layer hands to the request processor. */
public sealed interface Work {
    /** {@code legacy}: the client sent no readOnly flag (before 3.3), so the reply carries none either. */
    record Connect(ClientConnection conn, ConnectRequest request, boolean legacy) implements Work {
    }

    /** A request frame, header already read; the body starts at {@code bodyOffset} of {@code frame}. */
    record Request(ClientConnection conn, int xid, int type, byte[] frame, int bodyOffset, long receivedNanos)
            implements Work {
    }

    record Disconnected(ClientConnection conn) implements Work {
    }

    /** Something that happened outside (a commit, a peer's frame, a role change), handed in by the write path. */
    record Event(Runnable event) implements Work {
    }

    /** Runs code that reads or replaces the store on the processor thread (checkpoints, admin queries, tests). */
    record Task(Runnable task) implements Work {
    }
}
