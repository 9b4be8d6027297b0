package dev.corral.server.monitor;

/** The version every report prints: ZooKeeper's release first, so tools that parse it see a 3.9.5 server. */
public final class ServerVersion {
    public static final String FULL = "3.9.5-corral-0.1.0, built on 2026-11-22 00:00 UTC";

    private ServerVersion() {
    }
}
