package dev.corral.mesos.support;

import dev.corral.mesos.scheduler.SchedulerConnection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** A bare-bones scheduler for protocol tests: subscribes with a given FrameworkInfo and queues every event. */
public final class EventCollector implements SchedulerConnection.Handler {

    public final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    public final List<String> disconnects = new CopyOnWriteArrayList<>();
    public volatile FrameworkInfo info;

    public EventCollector(FrameworkInfo info) {
        this.info = info;
    }

    public static FrameworkInfo framework(String name, double failoverSeconds) {
        return FrameworkInfo.newBuilder().setUser("test").setName(name).setFailoverTimeout(failoverSeconds)
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
                .build();
    }

    @Override
    public Call subscribeCall() {
        Call.Builder c = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
        if (info.hasId()) {
            c.setFrameworkId(info.getId());
        }
        return c.build();
    }

    @Override
    public void received(Event event) {
        events.add(event);
    }

    @Override
    public void disconnected(String reason) {
        disconnects.add(reason);
    }

    /** The next event matching, skipping others; fails the test after the timeout. */
    public Event next(Predicate<Event> wanted, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            Event e = left <= 0 ? null : events.poll(left, TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("No matching event within " + timeoutMs + " ms");
            }
            if (wanted.test(e)) {
                return e;
            }
        }
    }

    public Event next(Event.Type type, long timeoutMs) throws InterruptedException {
        return next(e -> e.getType() == type, timeoutMs);
    }

    public FrameworkID subscribed(long timeoutMs) throws InterruptedException {
        FrameworkID id = next(Event.Type.SUBSCRIBED, timeoutMs).getSubscribed().getFrameworkId();
        info = info.toBuilder().setId(id).build();
        return id;
    }
}
