package dev.corral.mesos.ha;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

/** A distributed lock for operator actions (kill, scale, teardown) so two operators or tools never interleave. */
public final class OperatorLock {

    private final InterProcessMutex mutex;

    public OperatorLock(CuratorFramework client, FrameworkPaths paths) {
        this.mutex = new InterProcessMutex(client, paths.operatorLock());
    }

    /** Held until closed. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes the lock, waiting at most {@code wait}; throws if another holder keeps it that long. */
    public Held acquire(Duration wait) throws Exception {
        if (!mutex.acquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Operator lock is held elsewhere");
        }
        return () -> {
            try {
                mutex.release();
            } catch (Exception e) {
                throw new IllegalStateException("Releasing the operator lock failed", e);
            }
        };
    }

    public boolean isHeldHere() {
        return mutex.isAcquiredInThisProcess();
    }
}
