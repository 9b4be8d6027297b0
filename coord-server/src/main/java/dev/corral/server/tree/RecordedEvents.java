package dev.corral.server.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Holds tree events back, to be delivered later in the same order (a multi fires only once it has applied). */
public final class RecordedEvents implements TreeEvents {
    private final List<Consumer<TreeEvents>> events = new ArrayList<>();

    @Override
    public void nodeCreated(String path, long zxid) {
        events.add(t -> t.nodeCreated(path, zxid));
    }

    @Override
    public void nodeDeleted(String path, long zxid) {
        events.add(t -> t.nodeDeleted(path, zxid));
    }

    @Override
    public void dataChanged(String path, long zxid) {
        events.add(t -> t.dataChanged(path, zxid));
    }

    @Override
    public void childrenChanged(String parentPath, long zxid) {
        events.add(t -> t.childrenChanged(parentPath, zxid));
    }

    public void replay(TreeEvents target) {
        events.forEach(e -> e.accept(target));
    }
}
