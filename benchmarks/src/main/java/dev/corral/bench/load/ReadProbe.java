package dev.corral.bench.load;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        long attemptMs = 200;
        while (System.currentTimeMillis() < deadline) {
            // Wait for the port first: a client handle whose first connect fails sleeps up to a second before
            // retrying, which would blur the figure.
            if (!accepts(host, port)) {
                Thread.sleep(10);
                continue;
            }
            // A server may accept connections before it serves (ZooKeeper binds its port, then loads its data, and
            // closes connections meanwhile); a handle that lost its first connection waits up to a second before
            // the next, so give each handle a short while and then start a fresh one.
            if (readOnce(attemptMs)) {
                System.out.println(System.currentTimeMillis() - since);
                return 0;
            }
            attemptMs = Math.min(attemptMs + 50, 1000);
        }
        return 3;
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
