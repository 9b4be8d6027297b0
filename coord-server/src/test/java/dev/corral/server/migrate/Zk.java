package dev.corral.server.migrate;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Helpers of the migration tests: a connected stock client, a server's last zxid. */
public final class Zk {
    static {
        // TTL and container owners are read as such (and not as sessions) only with extended types on.
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        // The walks read every node, whatever its ACL, as the super user.
        System.setProperty("zookeeper.DigestAuthenticationProvider.superDigest", ZkChildProcess.SUPER_DIGEST);
    }

    private Zk() {
    }

    /** A client authenticated as the super user, as the walks need. */
    public static ZooKeeper connectSuper(String connect) throws Exception {
        ZooKeeper zk = connect(connect, 30_000);
        zk.addAuthInfo("digest", "super:test".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return zk;
    }

    static ZooKeeper connect(String connect, int timeoutMs) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, timeoutMs, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        if (!up.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new AssertionError("no connection to " + connect);
        }
        return zk;
    }

    /** The server's last zxid, from its srvr answer ("Zxid: 0x..."; srvr is on ZooKeeper's default whitelist). */
    public static long lastZxid(String connect) throws java.io.IOException {
        String[] hp = connect.split(":");
        try (java.net.Socket s = new java.net.Socket(hp[0], Integer.parseInt(hp[1]))) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("srvr".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String out = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            for (String line : out.split("\n")) {
                if (line.startsWith("Zxid: ")) {
                    return Long.decode(line.substring(6).trim());
                }
            }
            throw new AssertionError("no Zxid in srvr: " + out);
        }
    }
}
