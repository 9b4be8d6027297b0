package dev.corral.mesos.state;

import dev.corral.mesos.ha.FrameworkPaths;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * Notifications of task state changes via watches (Curator's CuratorCache on the tasks znode), so standbys and tools
 * see what the leader records without polling.
 */
public final class TaskStateWatch implements AutoCloseable {

    private final CuratorCache cache;

    public TaskStateWatch(CuratorFramework client, FrameworkPaths paths, Consumer<TaskRecord> onChange) {
        this.cache = CuratorCache.build(client, paths.tasks());
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> {
                    if (!after.getPath().equals(paths.tasks()) && after.getData() != null && after.getData().length > 0) {
                        onChange.accept(TaskRecord.decode(after.getData()));
                    }
                })
                .build());
    }

    public void start() {
        cache.start();
    }

    @Override
    public void close() {
        cache.close();
    }
}
