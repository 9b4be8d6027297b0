package dev.corral.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Ports for test servers that are chosen now and bound later (often by another process).
 *
 * <p>A port that was merely free when chosen can be taken before the server binds it: by an outgoing connection (a
 * quorum peer dialling, a client), whose local port the kernel picks from the same ephemeral range, or by anything
 * else on the machine. That failed CI twice with "Address already in use", once after ports were moved below the
 * ephemeral range (whose bounds differ from machine to machine). So each port handed out here stays <em>held</em>
 * for the life of the JVM: a socket bound to it with SO_REUSEADDR that never listens. The kernel gives a held port
 * to no outgoing connection and to no other bind that does not set SO_REUSEADDR, while a server that sets it (Corral,
 * ZooKeeper and java.net.ServerSocket all do) still binds and listens on it, in this JVM or a child process, as often
 * as it restarts.
 */
public final class FreePorts {

    private static final List<Socket> HELD = new ArrayList<>();

    private FreePorts() {
    }

    /** A loopback port nothing else can take until this JVM exits; never one handed out before. */
    public static synchronized int next() {
        Socket holder = new Socket();
        try {
            holder.setReuseAddress(true);
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            closeQuietly(holder);
            throw new UncheckedIOException("cannot reserve a port", e);
        }
        HELD.add(holder);
        return holder.getLocalPort();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing was bound
        }
    }
}
