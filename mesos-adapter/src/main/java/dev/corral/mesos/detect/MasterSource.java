package dev.corral.mesos.detect;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.mesos.v1.Protos.MasterInfo;

/** Where the leading Mesos master is: found in ZooKeeper, or fixed on the command line. */
public interface MasterSource extends AutoCloseable {

    /** The leader now, if one is known. */
    Optional<MasterInfo> current();

    /** Completes once the leader differs from {@code previous} (libmesos' {@code MasterDetector::detect}). */
    CompletableFuture<Optional<MasterInfo>> detect(Optional<MasterInfo> previous);

    /** Waits up to {@code timeout} for some leader. */
    default Optional<MasterInfo> await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<MasterInfo> seen = current();
        while (seen.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            try {
                seen = detect(seen).get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return Optional.empty();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("Master detection failed", e.getCause());
            }
        }
        return seen;
    }

    @Override
    void close();

    /** {@code zk://...} is detected through ZooKeeper; {@code host:port} or {@code http://host:port} is fixed. */
    static MasterSource of(String master, Duration zkSessionTimeout) {
        if (master.startsWith(ZkUrl.SCHEME)) {
            return new MasterDetector(ZkUrl.parse(master), zkSessionTimeout);
        }
        String hostPort = master.replaceFirst("^https?://", "").replaceAll("/.*$", "");
        return new StaticMaster(HostPort.parse(hostPort));
    }
}
