package dev.corral.bench.load;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures the time from a moment written to a file (a {@code kill -9}, in epoch milliseconds) to the first
 * getData that a fresh client session gets answered. Started before the kill so that its own JVM start-up is not
 * counted; prints {@code armed} once it is ready, then waits for the file.
 *
 * <pre>java -cp benchmarks.jar dev.corral.bench.load.ReadProbe --connect 127.0.0.1:2181 --since-file killed.ms</pre>
 */
@Command(name = "ReadProbe", mixinStandardHelpOptions = true,
        description = "Prints the milliseconds from the time in --since-file to the first answered read.")
public final class ReadProbe implements Callable<Integer> {
    @Option(names = "--connect", required = true, paramLabel = "host:port")
    String server;

    @Option(names = "--since-file", required = true, description = "Holds the start time, epoch ms; polled for.")
    Path sinceFile;

    @Option(names = "--path", defaultValue = "/")
    String path;

    @Option(names = "--timeout-seconds", defaultValue = "600")
    int timeoutSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReadProbe()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        // One read against the server as it is now, so that the client's classes are loaded and warm before the
        // clock starts.
        readOnce(5000);
        System.out.println("armed");
        System.out.flush();
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        while (!Files.exists(sinceFile)) {
            Thread.sleep(5);
            if (System.currentTimeMillis() > deadline) {
                return 3;
            }
        }
        long since = Long.parseLong(Files.readString(sinceFile).trim());
        String host = server.substring(0, server.lastIndexOf(':'));
        int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
        // A server may accept connections before it serves (both close them while they load or elect), and a client
        // handle that lost its connection sleeps up to a second before the next try. One handle at a time would
        // measure that sleep, not the server: start a fresh handle every ATTEMPT_EVERY_MS while the port accepts,
        // each living ATTEMPT_LIFE_MS, and take the first read answered by any of them.
        AtomicLong answeredAt = new AtomicLong();
        CountDownLatch answered = new CountDownLatch(1);
        Deque<Attempt> live = new ArrayDeque<>();
        ExecutorService closer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "probe-closer");
            t.setDaemon(true);
            return t;
        });
        try {
            while (System.currentTimeMillis() < deadline) {
                long now = System.currentTimeMillis();
                while (!live.isEmpty() && now - live.peekFirst().startedMs > ATTEMPT_LIFE_MS) {
                    ZooKeeper old = live.pollFirst().zk;
                    closer.execute(() -> Sessions.closeQuietly(old, 200));
                }
                if (accepts(host, port)) {
                    Attempt a = startAttempt(answeredAt, answered);
                    if (a != null) {
                        live.addLast(a);
                    }
                }
                if (answered.await(ATTEMPT_EVERY_MS, TimeUnit.MILLISECONDS)) {
                    System.out.println(answeredAt.get() - since);
                    return 0;
                }
            }
            return 3;
        } finally {
            live.forEach(a -> closer.execute(() -> Sessions.closeQuietly(a.zk, 200)));
            closer.shutdown();
            closer.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static final long ATTEMPT_EVERY_MS = 25;
    private static final long ATTEMPT_LIFE_MS = 2_000;

    private record Attempt(ZooKeeper zk, long startedMs) {}

    private Attempt startAttempt(AtomicLong answeredAt, CountDownLatch answered) {
        AsyncCallback.DataCallback onAnswer = (rc, p, ctx, data, stat) -> {
            if (rc == 0 && answeredAt.compareAndSet(0, System.currentTimeMillis())) {
                answered.countDown();
            }
        };
        CompletableFuture<ZooKeeper> handle = new CompletableFuture<>();
        try {
            long started = System.currentTimeMillis();
            ZooKeeper zk = new ZooKeeper(server, 30_000, e -> {
                if (e.getType() == Watcher.Event.EventType.None
                        && e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    // The event can come before the constructor returns: read once the handle is known.
                    handle.thenAccept(h -> h.getData(path, false, onAnswer, null));
                }
            });
            handle.complete(zk);
            return new Attempt(zk, started);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private boolean readOnce(long connectWaitMs) throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk;
        try {
            zk = new ZooKeeper(server, 30_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
        } catch (java.io.IOException e) {
            return false;
        }
        try {
            if (!connected.await(connectWaitMs, TimeUnit.MILLISECONDS)) {
                return false;
            }
            zk.getData(path, false, null);
            return true;
        } catch (Exception e) {
            return false;
        } finally {
            zk.close(500);
        }
    }
}
