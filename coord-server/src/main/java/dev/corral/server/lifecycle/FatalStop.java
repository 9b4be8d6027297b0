package dev.corral.server.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a server process stops on a failure it cannot continue from (a full disk, a failed store write): one message,
 * RocksDB's background work paused, then exit code {@link #EXIT_CODE}, as ZooKeeper exits on a failed log write.
 * <p>
 * Why pause first: {@link Runtime#halt} ends in the C library's exit(), which runs static destructors; RocksDB threads
 * still at work then (a flush that has just failed with ENOSPC, its error handling) can touch destroyed statics and
 * abort the process (exit 134, SIGABRT; RocksDB issue 9155), which a clean-clone run of DiskFullProcessTest once saw
 * with a full data directory. Each open RocksDB registers how to pause its background work ({@link #register}); a
 * stop runs them all, bounded in time, before the halt.
 */
public final class FatalStop {
    private static final Logger LOG = LoggerFactory.getLogger(FatalStop.class);

    /** The exit code of a server process that stops on a failure it cannot continue from. */
    public static final int EXIT_CODE = 70;
    /** A flush failing on a full disk ends in milliseconds; a stuck one must not keep the member up. */
    private static final long QUIESCE_TIMEOUT_MS = 5_000;

    private static final List<Quiescer> QUIESCERS = new ArrayList<>();
    private static final AtomicBoolean STOPPING = new AtomicBoolean();
    private static volatile boolean armed;

    private FatalStop() {
    }

    /** Something that stops a store's background work; {@code name} (its directory) is logged if it fails. */
    public record Quiescer(String name, Runnable stop) {
    }

    /**
     * Marks this JVM as a server process (Main): failures noticed off the request path (RocksDB's background errors)
     * then stop it too. Embedded servers (tests) are left to fail on their next write instead.
     */
    public static void arm() {
        armed = true;
    }

    public static boolean armed() {
        return armed;
    }

    public static void register(Quiescer q) {
        synchronized (QUIESCERS) {
            QUIESCERS.add(q);
        }
    }

    /** Called before a store closes its database (a stop under way finishes first: the process is ending). */
    public static void unregister(Quiescer q) {
        synchronized (QUIESCERS) {
            QUIESCERS.remove(q);
        }
    }

    /**
     * Logs {@code message}, stops every registered store's background work, and halts with {@link #EXIT_CODE}.
     * Never returns; a second caller while a stop is under way waits for it (its cause is usually the first one's).
     */
    public static void halt(String message, Throwable cause) {
        if (!STOPPING.compareAndSet(false, true)) {
            LOG.error("also failed while stopping: {}", message);
            waitForHalt();
        }
        LOG.error("{}; exiting with code {} (restart this server once the cause is fixed)", message, EXIT_CODE, cause);
        Thread quiesce = new Thread(FatalStop::quiesceAll, "corral-fatal-stop");
        quiesce.setDaemon(true);
        quiesce.start();
        try {
            quiesce.join(QUIESCE_TIMEOUT_MS);
        } catch (InterruptedException e) {
            // halting anyway
        }
        if (quiesce.isAlive()) {
            LOG.error("stores' background work did not stop within {} ms; exiting anyway", QUIESCE_TIMEOUT_MS);
        }
        Runtime.getRuntime().halt(EXIT_CODE);
    }

    private static void quiesceAll() {
        synchronized (QUIESCERS) {
            for (Quiescer q : QUIESCERS) {
                try {
                    q.stop().run();
                } catch (RuntimeException e) {
                    LOG.warn("could not stop the background work of {}: {}", q.name(), e.toString());
                }
            }
        }
    }

    private static void waitForHalt() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // the halt ends this thread
            }
        }
    }
}
