package dev.corral.server.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a round of request processing has to say to clients. Nothing leaves until the round's writes are durable,
 * so no client ever sees a change that a crash could take back; order within a connection is kept.
 */
public final class Outbox {
    private record Item(ClientConnection conn, byte[] frame) {
    }

    private final List<Item> items = new ArrayList<>();
    private final Set<ClientConnection> touched = new LinkedHashSet<>();
    /** Packets sent since start (the Sent line of srvr). */
    long sent;

    public void send(ClientConnection conn, byte[] frame) {
        conn.stats.sent++;
        sent++;
        items.add(new Item(conn, frame));
    }

    /** Closes {@code conn} after what was queued for it before this call. */
    public void close(ClientConnection conn) {
        items.add(new Item(conn, null));
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    void flush() {
        for (Item item : items) {
            if (item.frame == null) {
                item.conn.flush();
                item.conn.closeAfterFlush();
                touched.remove(item.conn);
            } else {
                item.conn.write(item.frame);
                touched.add(item.conn);
            }
        }
        for (ClientConnection conn : touched) {
            conn.flush();
        }
        items.clear();
        touched.clear();
    }
}
