package dev.corral.server.config;

import java.util.Map;

/**
 * How reads are served (docs/operations.md, Linearizable reads).
 *
 * @param linearizableReads {@code corral.linearizableReads}: every read of every session waits for a read index
 *                          confirmed with a quorum (default false: ZooKeeper's sequentially consistent reads; a
 *                          session may still opt in with {@code addAuthInfo("corral", "linearizable")})
 */
public record ReadConsistencyConfig(boolean linearizableReads) {
    /** ZooKeeper's behaviour. */
    public static final ReadConsistencyConfig DEFAULT = new ReadConsistencyConfig(false);

    /** The one zoo.cfg key this record reads. */
    static final String KEY = "corral.linearizableReads";

    static ReadConsistencyConfig parse(Map<String, String> values) throws ConfigException {
        return new ReadConsistencyConfig(ZooCfg.bool(values, KEY, false));
    }
}
