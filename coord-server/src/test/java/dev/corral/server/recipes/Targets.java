package dev.corral.server.recipes;

import dev.corral.server.it.Servers;
import java.nio.file.Path;

/** Starts the server a parameterized recipe test names: "corral" or "zookeeper" (the reference). */
final class Targets {
    private Targets() {
    }

    static Servers.Target start(String which, Path dir) throws Exception {
        return switch (which) {
            case "corral" -> Servers.corral(dir);
            case "zookeeper" -> Servers.zookeeper(dir);
            default -> throw new IllegalArgumentException(which);
        };
    }

    /**
     * Runs {@code body} with {@code znode.container.checkIntervalMs} set (both servers read it when they start),
     * restoring the previous value afterwards.
     */
    static <T> T withContainerInterval(long ms, ThrowingSupplier<T> body) throws Exception {
        String key = "znode.container.checkIntervalMs";
        String old = System.getProperty(key);
        System.setProperty(key, Long.toString(ms));
        try {
            return body.get();
        } finally {
            if (old == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, old);
            }
        }
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }
}
