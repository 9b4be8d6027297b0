package dev.corral.server.config;

import java.util.Map;
import java.util.Set;

/**
 * The AdminServer and Prometheus settings, read from the keys ZooKeeper 3.9 reads ({@code admin.*},
 * {@code metricsProvider.*}); kept apart from {@link ServerConfig}'s own fields so that monitoring settings change
 * in one place.
 *
 * @param adminEnabled  {@code admin.enableServer}: serve the AdminServer
 * @param adminAddress  {@code admin.serverAddress}
 * @param adminPort     {@code admin.serverPort}; 0 picks a free port (tests)
 * @param commandUrl    {@code admin.commandURL}: where the commands are, e.g. {@code /commands}
 * @param metricsEnabled {@code metricsProvider.className} names ZooKeeper's Prometheus provider: serve /metrics
 * @param metricsHost   {@code metricsProvider.httpHost}
 * @param metricsPort   {@code metricsProvider.httpPort}; 0 picks a free port (tests)
 * @param exportJvmInfo {@code metricsProvider.exportJvmInfo}: add the JVM's own metrics to /metrics
 */
public record MonitoringConfig(boolean adminEnabled, String adminAddress, int adminPort, String commandUrl,
                               boolean metricsEnabled, String metricsHost, int metricsPort, boolean exportJvmInfo,
                               AdminDataConfig adminData) {

    /** The settings with ZooKeeper's snapshot and restore defaults. */
    public MonitoringConfig(boolean adminEnabled, String adminAddress, int adminPort, String commandUrl,
                            boolean metricsEnabled, String metricsHost, int metricsPort, boolean exportJvmInfo) {
        this(adminEnabled, adminAddress, adminPort, commandUrl, metricsEnabled, metricsHost, metricsPort,
                exportJvmInfo, AdminDataConfig.DEFAULTS);
    }

    public static final String PROMETHEUS_PROVIDER =
            "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";
    /** ZooKeeper's built-in providers: no /metrics endpoint (mntr still reports). */
    private static final Set<String> BUILT_IN_PROVIDERS = Set.of(
            "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider",
            "org.apache.zookeeper.metrics.impl.NullMetricsProvider");

    public static final Set<String> KEYS = keys();

    private static Set<String> keys() {
        Set<String> keys = new java.util.HashSet<>(Set.of("admin.enableServer", "admin.serverAddress",
                "admin.serverPort", "admin.commandURL", "metricsProvider.className", "metricsProvider.httpHost",
                "metricsProvider.httpPort", "metricsProvider.exportJvmInfo"));
        keys.addAll(AdminDataConfig.KEYS);
        return Set.copyOf(keys);
    }

    /** Nothing served: what a config built in code (tests, embedding) gets unless it asks. */
    public static final MonitoringConfig OFF = new MonitoringConfig(false, "0.0.0.0", 8080, "/commands", false,
            "0.0.0.0", 7000, true);

    /** The AdminServer on {@code address:port} (0: a free port), metrics off. */
    public static MonitoringConfig admin(String address, int port) {
        return new MonitoringConfig(true, address, port, "/commands", false, "0.0.0.0", 7000, true);
    }

    public MonitoringConfig withMetrics(String host, int port) {
        return new MonitoringConfig(adminEnabled, adminAddress, adminPort, commandUrl, true, host, port,
                exportJvmInfo, adminData);
    }

    public MonitoringConfig withAdminData(AdminDataConfig data) {
        return new MonitoringConfig(adminEnabled, adminAddress, adminPort, commandUrl, metricsEnabled, metricsHost,
                metricsPort, exportJvmInfo, data);
    }

    /**
     * Reads the settings from zoo.cfg's {@code values}; the admin keys fall back to ZooKeeper's
     * {@code zookeeper.admin.*} system properties (ZooKeeper turns zoo.cfg keys into those properties, so the
     * file wins), then to ZooKeeper's defaults: AdminServer on 0.0.0.0:8080, no metrics provider.
     */
    public static MonitoringConfig parse(Map<String, String> values) throws ConfigException {
        boolean adminEnabled = bool("admin.enableServer", adminValue(values, "admin.enableServer", "true"));
        String adminAddress = adminValue(values, "admin.serverAddress", "0.0.0.0");
        int adminPort = port("admin.serverPort", adminValue(values, "admin.serverPort", "8080"));
        String commandUrl = adminValue(values, "admin.commandURL", "/commands");
        if (!commandUrl.startsWith("/") || commandUrl.length() < 2 || commandUrl.endsWith("/")) {
            throw new ConfigException("invalid value for key 'admin.commandURL': '" + commandUrl
                    + "' (expected a path such as /commands)");
        }
        String provider = values.get("metricsProvider.className");
        boolean metrics = false;
        if (provider != null && !BUILT_IN_PROVIDERS.contains(provider)) {
            if (!provider.equals(PROMETHEUS_PROVIDER)) {
                throw new ConfigException("invalid value for key 'metricsProvider.className': '" + provider
                        + "' (Corral serves " + PROMETHEUS_PROVIDER + " or ZooKeeper's built-in providers)");
            }
            metrics = true;
        }
        String metricsHost = values.getOrDefault("metricsProvider.httpHost", "0.0.0.0");
        int metricsPort = port("metricsProvider.httpPort", values.getOrDefault("metricsProvider.httpPort", "7000"));
        boolean jvm = bool("metricsProvider.exportJvmInfo", values.getOrDefault("metricsProvider.exportJvmInfo",
                "true"));
        return new MonitoringConfig(adminEnabled, adminAddress, adminPort, commandUrl, metrics, metricsHost,
                metricsPort, jvm, AdminDataConfig.parse(values));
    }

    private static String adminValue(Map<String, String> values, String key, String dflt) {
        String v = values.get(key);
        return v != null ? v : System.getProperty("zookeeper." + key, dflt).trim();
    }

    private static boolean bool(String key, String text) throws ConfigException {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException("invalid value for key '" + key + "': '" + text + "' (expected true or false)");
    }

    private static int port(String key, String text) throws ConfigException {
        try {
            int v = Integer.parseInt(text);
            if (v >= 0 && v <= 65535) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("invalid value for key '" + key + "': '" + text + "' (expected a port, 0..65535)");
    }
}
