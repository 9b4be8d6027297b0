package dev.corral.mesos.detect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libmesos' {@code ZooKeeperMasterDetector} (src/master/detector/zookeeper.cpp) on {@link ZkGroup}: the leader is
 * the member with the lowest sequence, whatever its label; its data is fetched and decoded by label
 * ({@link MasterInfos#decode}). Detection repeats on every child event and on session expiry (the group then
 * reports no members, so the leader becomes unknown until the group is read again).
 */
public final class MasterDetector implements MasterSource {

    private static final Logger LOG = LoggerFactory.getLogger(MasterDetector.class);
    /** libmesos' {@code MASTER_DETECTOR_ZK_SESSION_TIMEOUT}. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

    private final ZkGroup group;
    private final boolean ownsGroup;
    private final Object lock = new Object();
    private Optional<Membership> leaderMember = Optional.empty();
    private Optional<MasterInfo> leader = Optional.empty();
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(Optional<MasterInfo> previous, CompletableFuture<Optional<MasterInfo>> promise) {}

    public MasterDetector(ZkUrl url, Duration sessionTimeout) {
        this(new ZkGroup(url, sessionTimeout), true);
    }

    /** Shares a group, e.g. with a {@link MasterContender} in the same process, as a Mesos master does. */
    public MasterDetector(ZkGroup group) {
        this(group, false);
    }

    private MasterDetector(ZkGroup group, boolean ownsGroup) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        group.watch(this::membershipsChanged);
    }

    /** The leading membership (lowest sequence), if any; used by contenders to know whether they lead. */
    public Optional<Membership> leaderMembership() {
        synchronized (lock) {
            return leaderMember;
        }
    }

    @Override
    public Optional<MasterInfo> current() {
        synchronized (lock) {
            return leader;
        }
    }

    @Override
    public CompletableFuture<Optional<MasterInfo>> detect(Optional<MasterInfo> previous) {
        synchronized (lock) {
            if (!leader.equals(previous)) {
                return CompletableFuture.completedFuture(leader);
            }
            CompletableFuture<Optional<MasterInfo>> promise = new CompletableFuture<>();
            waiters.add(new Waiter(previous, promise));
            return promise;
        }
    }

    private void membershipsChanged(SortedSet<Membership> members) {
        Optional<Membership> lowest = members.isEmpty() ? Optional.empty() : Optional.of(members.first());
        synchronized (lock) {
            if (lowest.equals(leaderMember) && (lowest.isEmpty() || leader.isPresent())) {
                return; // Same leader: nothing to fetch (libmesos' LeaderDetector only fires on a change).
            }
            leaderMember = lowest;
        }
        if (lowest.isEmpty()) {
            publish(Optional.empty(), Optional.empty());
            return;
        }
        Membership m = lowest.get();
        group.data(m).whenComplete((data, error) -> {
            if (error != null) {
                LOG.error("Failed to read the leading master's data {}: {}", m.znodeName(), error.toString());
                publish(Optional.of(m), Optional.empty());
            } else if (data.isEmpty()) {
                // The member went away before we could read it; the next child event picks the new leader.
                publish(Optional.of(m), Optional.empty());
            } else {
                try {
                    MasterInfo info = MasterInfos.decode(m.label(), data.get());
                    LOG.info("A new leading master (UPID={}) is detected", info.getPid());
                    publish(Optional.of(m), Optional.of(info));
                } catch (Exception e) {
                    LOG.error("Failed to parse the leading master's data {}: {}", m.znodeName(), e.toString());
                    publish(Optional.of(m), Optional.empty());
                }
            }
        });
    }

    private void publish(Optional<Membership> forMember, Optional<MasterInfo> info) {
        List<Waiter> fire = new ArrayList<>();
        synchronized (lock) {
            if (!forMember.equals(leaderMember)) {
                return; // A fetch for a leader that has already been replaced.
            }
            leader = info;
            waiters.removeIf(w -> {
                if (!w.previous().equals(info)) {
                    fire.add(w);
                    return true;
                }
                return false;
            });
        }
        fire.forEach(w -> w.promise().complete(info));
    }

    public ZkGroup group() {
        return group;
    }

    @Override
    public void close() {
        if (ownsGroup) {
            group.close();
        }
        synchronized (lock) {
            waiters.forEach(w -> w.promise().cancel(false));
            waiters.clear();
        }
    }
}
