package dev.corral.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ports for test servers that are chosen now and bound later (often by another process). They come from below the
 * kernel's ephemeral range: a port the kernel handed out with {@code new ServerSocket(0)} can be handed again to an
 * outgoing connection (a quorum peer dialling, a client) before the server binds it, and the server then fails with
 * "Address already in use" (it happened in a full run). Each port is handed out once per JVM; JVMs start at
 * different offsets.
 */
public final class FreePorts {

    private static final int LOW = 10_000;
    private static final int HIGH = ephemeralLow();
    private static int next = LOW + (int) (ProcessHandle.current().pid() * 211 % Math.max(1, HIGH - LOW));

    private FreePorts() {
    }

    /** A loopback port nothing listens on now, never one handed out before by this JVM. */
    public static synchronized int next() {
        if (HIGH - LOW < 1_000) {
            return kernelChosen(); // an unusual ephemeral range: no room below it
        }
        for (int tries = 0; tries < HIGH - LOW; tries++) {
            int port = next;
            next = next + 1 >= HIGH ? LOW : next + 1;
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException inUse) {
                // taken by something else on this machine: try the next one
            }
        }
        throw new IllegalStateException("no free port in " + LOW + "-" + HIGH);
    }

    private static int kernelChosen() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default low end
        }
    }
}
