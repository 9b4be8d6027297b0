package dev.corral.mesos.support;

import dev.corral.mesos.ha.Fence;
import dev.corral.mesos.ha.LeadershipListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A leadership listener that writes down what it was told. */
public final class Recorder implements LeadershipListener {
    public final List<Fence> elected = new CopyOnWriteArrayList<>();
    public final List<String> deposed = new CopyOnWriteArrayList<>();

    @Override
    public void elected(Fence fence) {
        elected.add(fence);
    }

    @Override
    public void deposed(String reason) {
        deposed.add(reason);
    }

    public Fence lastFence() {
        return elected.get(elected.size() - 1);
    }
}
