package dev.corral.server.config;

import java.util.Map;
import java.util.Set;

/**
 * The AdminServer's snapshot and restore settings, ZooKeeper 3.9's keys and defaults: {@code admin.snapshot.enabled}
 * and {@code admin.restore.enabled} (true), {@code admin.rateLimiterIntervalInMS} (300000: five minutes). Each key
 * falls back to its {@code zookeeper.}-prefixed system property, as ZooKeeper reads them. Also the config file's
 * text ({@code initialConfig}, "" when built in code), as ZooKeeper keeps it for initial_configuration.
 */
public record AdminDataConfig(boolean snapshotEnabled, boolean restoreEnabled, long rateLimiterIntervalMs,
                              String initialConfig) {
    public static final AdminDataConfig DEFAULTS = new AdminDataConfig(true, true, 300_000, "");

    static final Set<String> KEYS = Set.of("admin.snapshot.enabled", "admin.restore.enabled",
            "admin.rateLimiterIntervalInMS");

    public AdminDataConfig withRateLimiterIntervalMs(long ms) {
        return new AdminDataConfig(snapshotEnabled, restoreEnabled, ms, initialConfig);
    }

    public AdminDataConfig withEnabled(boolean snapshot, boolean restore) {
        return new AdminDataConfig(snapshot, restore, rateLimiterIntervalMs, initialConfig);
    }

    /** The config file's text as read at start-up, which the initial_configuration command reports. */
    public AdminDataConfig withInitialConfig(String text) {
        return new AdminDataConfig(snapshotEnabled, restoreEnabled, rateLimiterIntervalMs, text);
    }

    static AdminDataConfig parse(Map<String, String> values) throws ConfigException {
        boolean snapshot = bool("admin.snapshot.enabled", value(values, "admin.snapshot.enabled", "true"));
        boolean restore = bool("admin.restore.enabled", value(values, "admin.restore.enabled", "true"));
        String interval = value(values, "admin.rateLimiterIntervalInMS", "300000");
        long ms;
        try {
            ms = Long.parseLong(interval);
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 0) {
            throw new ConfigException("invalid value for key 'admin.rateLimiterIntervalInMS': '" + interval
                    + "' (expected a number of milliseconds, 0 or more)");
        }
        return new AdminDataConfig(snapshot, restore, ms, "");
    }

    private static String value(Map<String, String> values, String key, String dflt) {
        String v = values.get(key);
        return v != null ? v : System.getProperty("zookeeper." + key, dflt).trim();
    }

    private static boolean bool(String key, String text) throws ConfigException {
        // ZooKeeper reads these with Boolean.parseBoolean (anything but "true" is false); a typo here would turn a
        // command off unnoticed, so Corral stops instead.
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException("invalid value for key '" + key + "': '" + text + "' (expected true or false)");
    }
}
