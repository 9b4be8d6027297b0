package dev.corral.faults.workload;

import dev.corral.faults.history.Op;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.ZooKeeper;

/**
 * One workload thread's session and process number. {@link #op} records an operation as invoke then exactly one of
 * ok / fail / info. Only error codes that say the request was refused as a whole are FAIL; a timeout, a lost
 * connection, an expired or moved session mean "unknown" (INFO), after which this thread continues as a new process
 * (Jepsen's rule: the old one may still have a request in flight).
 */
public final class Client implements AutoCloseable {
    /** The codes with which a server refused a request: it certainly did not happen. */
    private static final Set<Code> DEFINITE = Set.of(Code.NONODE, Code.NODEEXISTS, Code.BADVERSION, Code.NOTEMPTY,
            Code.NOCHILDRENFOREPHEMERALS, Code.BADARGUMENTS, Code.NOAUTH, Code.INVALIDACL);

    private final Recorder recorder;
    private final String connect;
    private final int sessionTimeoutMs;
    private final Duration opTimeout;
    private ZooKeeper zk;
    private java.util.function.Supplier<ZooKeeper> external;
    private int process;

    public Client(Recorder recorder, String connect, int sessionTimeoutMs, Duration opTimeout) {
        this.recorder = recorder;
        this.connect = connect;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.opTimeout = opTimeout;
        this.process = recorder.newProcess();
    }

    public int process() {
        return process;
    }

    Recorder recorder() {
        return recorder;
    }

    /**
     * Sessions that take replies up to 64 MiB. A soak's set grows past what one getChildren can return to a stock
     * client (1 MiB: about 40,000 of the set's names; an hour-long soak's final reads failed on every member with
     * CONNECTIONLOSS), and both servers send such replies (ZooKeeper any size, Corral up to 8 MiB).
     */
    static org.apache.zookeeper.client.ZKClientConfig largeReplies() {
        org.apache.zookeeper.client.ZKClientConfig config = new org.apache.zookeeper.client.ZKClientConfig();
        config.setProperty(org.apache.zookeeper.common.ZKConfig.JUTE_MAXBUFFER, Integer.toString(64 << 20));
        return config;
    }

    /** The session, (re)opened when there is none or it has expired / been closed. */
    ZooKeeper zk() {
        if (external != null) {
            return external.get();
        }
        if (zk == null || !zk.getState().isAlive()) {
            closeSession();
            try {
                zk = new ZooKeeper(connect, sessionTimeoutMs, e -> { }, largeReplies());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return zk;
    }

    /** Operations go through another owner's session (the lock's Curator client) from now on. */
    void useSession(java.util.function.Supplier<ZooKeeper> session) {
        closeSession();
        this.external = session;
    }

    /** Records an event of this process directly (for operations that are not one ZooKeeper call). */
    void record(Op.Type type, String f, String key, Object value, String error) {
        if (type == Op.Type.INFO) {
            info(f, key, value, error);
        } else {
            recorder.history().record(process, type, f, key, value, error);
        }
    }

    void closeSession() {
        if (zk != null) {
            try {
                zk.close(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            zk = null;
        }
    }

    /** After an INFO the thread goes on under a new process number. */
    void newProcess() {
        process = recorder.newProcess();
    }

    /**
     * Records one operation: invoke {@code f key value}, run {@code action} bounded by the op timeout, complete it.
     * Returns whether it completed OK, and its result.
     */
    <T> Done<T> op(String f, String key, Object value, Function<ZooKeeper, CompletableFuture<T>> action,
            Function<T, Object> okValue) {
        recorder.history().record(process, Op.Type.INVOKE, f, key, value, null);
        T result;
        try {
            result = action.apply(zk()).get(opTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            info(f, key, value, "TIMEOUT");
            return Done.notOk();
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
                    ? ce.getCause() : e.getCause();
            if (c instanceof Outcome o) {
                if (o.definite) {
                    recorder.history().record(process, Op.Type.FAIL, f, key, value, o.word);
                } else {
                    info(f, key, o.value, o.word);
                }
            } else if (c instanceof KeeperException ke && DEFINITE.contains(ke.code())) {
                recorder.history().record(process, Op.Type.FAIL, f, key, value, ke.code().name());
            } else {
                info(f, key, value, c instanceof KeeperException ke ? ke.code().name() : c.getClass().getSimpleName());
                if (c instanceof KeeperException ke && ke.code() == Code.SESSIONEXPIRED) {
                    closeSession();
                }
            }
            return Done.notOk();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            info(f, key, value, "INTERRUPTED");
            return Done.notOk();
        } catch (RuntimeException e) {
            // e.g. the session could not be opened: nothing was sent, but INFO is always safe
            info(f, key, value, e.getClass().getSimpleName());
            return Done.notOk();
        }
        recorder.history().record(process, Op.Type.OK, f, key, okValue.apply(result), null);
        return new Done<>(true, result);
    }

    /** Whether an operation completed OK, and with what. */
    record Done<T>(boolean ok, T value) {
        static <T> Done<T> notOk() {
            return new Done<>(false, null);
        }
    }

    void info(String f, String key, Object value, String error) {
        recorder.history().record(process, Op.Type.INFO, f, key, value, error);
        newProcess();
    }

    @Override
    public void close() {
        closeSession();
    }
}
