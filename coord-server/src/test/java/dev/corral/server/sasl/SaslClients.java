package dev.corral.server.sasl;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;

/** The stock Java client as the SASL tests use it: one JAAS client section per client, its states recorded. */
final class SaslClients {
    private SaslClients() {
    }

    /** A client and the connection states it reported. */
    record Client(ZooKeeper zk, List<KeeperState> states) implements AutoCloseable {
        /** Waits until {@code state} was reported; false on timeout. */
        boolean await(KeeperState state, long millis) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < end) {
                if (states.contains(state)) {
                    return true;
                }
                Thread.sleep(20);
            }
            return states.contains(state);
        }

        /** whoAmI as "scheme:user" in the order the server lists them. */
        String whoAmI() throws Exception {
            List<ClientInfo> infos = zk.whoAmI();
            // A client whose authentication failed gets no answer (null), as from either server.
            return infos == null ? "none" : infos.stream().map(c -> c.getAuthScheme() + ":" + c.getUser())
                    .collect(Collectors.joining(","));
        }

        @Override
        public void close() throws InterruptedException {
            zk.close();
        }
    }

    /** Connects with JAAS client section {@code section}, or without SASL when it is null. */
    static Client connect(String address, String section) throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        // The 3.9 client refuses DIGEST-MD5 in its default FIPS mode; the server has no such switch.
        config.setProperty("zookeeper.fips-mode", "false");
        if (section == null) {
            config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        } else {
            config.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, section);
        }
        List<KeeperState> states = new CopyOnWriteArrayList<>();
        ZooKeeper zk = new ZooKeeper(address, 10_000, e -> {
            if (e.getType() == org.apache.zookeeper.Watcher.Event.EventType.None) {
                states.add(e.getState());
            }
        }, config);
        return new Client(zk, states);
    }

    /** What an operation ends with: "ok[:detail]" or the error's name. */
    static String outcome(Op op) {
        try {
            Object r = op.run();
            return r == null ? "ok" : "ok:" + r;
        } catch (KeeperException e) {
            return e.code().name();
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    static String acls(List<ACL> acls) {
        return acls.stream().map(a -> a.getId().getScheme() + ":" + a.getId().getId() + "=" + a.getPerms())
                .collect(Collectors.joining(","));
    }

    /** An operation whose result is recorded. */
    interface Op {
        Object run() throws Exception;
    }

    static String infos(List<ClientInfo> infos) {
        return infos.stream().map(c -> c.getAuthScheme() + ":" + c.getUser()).collect(Collectors.joining(","));
    }
}
