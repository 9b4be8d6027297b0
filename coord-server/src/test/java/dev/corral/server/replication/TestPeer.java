package dev.corral.server.replication;

import dev.corral.server.storage.ZabLogStore;
import dev.corral.zab.MajorityQuorum;
import dev.corral.zab.ZabConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** One peer of a test ensemble on 127.0.0.1: log store, transport and driver over a {@link TestStateMachine}. */
final class TestPeer {

    static final int TICK_MILLIS = 100;
    static final QuorumTransport.Options OPTIONS = new QuorumTransport.Options(64 << 20, 100, 3_000, 20, 500, 4096);

    final int id;
    final Path dir;
    final Map<Integer, InetSocketAddress> addresses;
    TestStateMachine state;
    final List<PeerStatus> statuses = new CopyOnWriteArrayList<>();
    ZabLogStore log;
    QuorumTransport transport;
    ZabDriver driver;
    /** How many ticks of silence end a follower's session (ZooKeeper's syncLimit). */
    int syncLimitTicks = 10;
    /** While set and closed, this peer's log fsyncs wait for it (a slow disk). */
    volatile java.util.concurrent.CountDownLatch syncGate;

    TestPeer(int id, Path dir, Map<Integer, InetSocketAddress> addresses) {
        this.id = id;
        this.dir = dir;
        this.addresses = addresses;
        this.state = new TestStateMachine(dir.resolve("checkpoints"));
    }

    static Map<Integer, InetSocketAddress> freeAddresses(int n) throws IOException {
        Map<Integer, InetSocketAddress> out = new TreeMap<>();
        for (int id = 1; id <= n; id++) {
            out.put(id, new InetSocketAddress("127.0.0.1", dev.corral.server.FreePorts.next()));
        }
        return out;
    }

    void start() throws IOException {
        log = ZabLogStore.open(dir.resolve("zablog"));
        transport = new QuorumTransport(id, addresses, dir.resolve("inbox"), OPTIONS);
        ZabConfig config = new ZabConfig(id, new MajorityQuorum(addresses.keySet()), 20, syncLimitTicks);
        driver = new ZabDriver(config, TICK_MILLIS, log, transport, state.appliedCounter(),
                new ZabDriver.Host(state, statuses::add, state, state), this::syncLog);
        driver.start();
    }

    private void syncLog() {
        java.util.concurrent.CountDownLatch gate = syncGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.sync();
    }

    void stop() {
        if (driver != null) {
            driver.close();
            transport.close();
            log.close();
            driver = null;
        }
    }

    boolean running() {
        return driver != null;
    }

    PeerStatus status() {
        return driver == null ? null : driver.status();
    }
}
