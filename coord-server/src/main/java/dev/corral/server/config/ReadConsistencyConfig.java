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

    static ReadConsistencyConfig parse(Map<String, String> values) throws ConfigException {
        String key = "corral.linearizableReads";
        String text = values.get(key);
        if (text == null) {
            return DEFAULT;
        }
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new ConfigException("invalid value for key '" + key + "': '" + text + "' (expected true or false)");
        }
        return new ReadConsistencyConfig(Boolean.parseBoolean(text));
    }
}
