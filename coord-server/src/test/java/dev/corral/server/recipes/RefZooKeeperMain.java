package dev.corral.server.recipes;

import dev.corral.server.it.Servers;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded ZooKeeper in a JVM of its own, for settings ZooKeeper reads once per JVM (its super digest is a
 * static final of DigestAuthenticationProvider): prints "CONNECT host:port", runs until stdin closes.
 */
public final class RefZooKeeperMain {
    private RefZooKeeperMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("ref-zk");
        try (Servers.Target zk = Servers.zookeeper(dir)) {
            System.out.println("CONNECT " + zk.connectString());
            System.out.flush();
            while (System.in.read() != -1) {
                // wait for the test to close stdin
            }
        }
        System.exit(0);
    }
}
