package dev.corral.bench.load;

/** What the load generator asks the servers to do. */
public enum Workload {
    /** create of {@code --data-bytes} (1 KiB), PERSISTENT_SEQUENTIAL, all under one parent. */
    CREATE,
    /** setData of {@code --data-bytes} on a random one of {@code --keys} nodes, any version. */
    SETDATA,
    /** getData of a random one of {@code --keys} nodes. */
    GETDATA,
    /** 90% getData, 10% setData, on the same keys. */
    MIXED,
    /** exists of a random one of {@code --keys} nodes. */
    EXISTS,
    /** getChildren of one node with {@code --children} (1,000) children. */
    GETCHILDREN,
    /** multi of 10 setData of {@code --data-bytes}, each on a random one of {@code --keys} nodes, any version. */
    MULTI,
    /**
     * Watch notification latency: every session keeps a getData watch on one node; one extra writer session sets
     * its data; the latency is from the write being issued to each watcher receiving NodeDataChanged. The next write
     * goes once every watcher has re-armed. One op = one notification received.
     */
    WATCH,
    /**
     * Loads {@code --count} znodes of {@code --data-bytes} (1,000 per parent) as fast as the bounded outstanding
     * requests allow; runs until all exist rather than for {@code --seconds}.
     */
    LOAD
}
