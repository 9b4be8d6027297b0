package dev.corral.mesos.config;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code key=value} edits as {@code config set} takes them: {@code command}, {@code cpus}, {@code mem},
 * {@code instances}, {@code failover_timeout}, {@code rollout_settle}, {@code env.NAME} (empty value removes it), {@code discovery.base},
 * {@code discovery.service}, {@code discovery.port} (empty: none). The result is validated like any document.
 */
public final class ConfigEdits {

    private ConfigEdits() {}

    public static FrameworkConfig apply(FrameworkConfig c, List<String> assignments) throws InvalidConfigException {
        String command = c.command();
        double cpus = c.cpus();
        double mem = c.mem();
        int instances = c.instances();
        TreeMap<String, String> env = new TreeMap<>(c.environment());
        java.time.Duration failover = c.failoverTimeout();
        String base = c.discovery().base();
        String service = c.discovery().service();
        Optional<Integer> port = c.discovery().port();
        java.time.Duration settle = c.rolloutSettle();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigException(a, "is not key=value");
            }
            String key = a.substring(0, eq).trim();
            String value = a.substring(eq + 1);
            switch (key) {
                case "command" -> command = value;
                case "cpus" -> cpus = number(key, value);
                case "mem" -> mem = number(key, value);
                case "instances" -> instances = (int) whole(key, value);
                case "failover_timeout" -> failover = Durations.parse(value)
                        .orElseThrow(() -> new InvalidConfigException(key, "must be a duration such as 7d, 2h, 30s; got \"" + value + "\""));
                case "rollout_settle" -> settle = Durations.parse(value)
                        .orElseThrow(() -> new InvalidConfigException(key, "must be a duration such as 0s, 30s; got \"" + value + "\""));
                case "discovery.base" -> base = value;
                case "discovery.service" -> service = value;
                case "discovery.port" -> port = value.isBlank() ? Optional.empty() : Optional.of((int) whole(key, value));
                default -> {
                    if (key.startsWith("env.") && key.length() > 4) {
                        if (value.isEmpty()) {
                            env.remove(key.substring(4));
                        } else {
                            env.put(key.substring(4), value);
                        }
                    } else {
                        throw new InvalidConfigException(key, "is not a known field (command, cpus, mem, instances, "
                                + "failover_timeout, rollout_settle, env.NAME, discovery.base, discovery.service, discovery.port)");
                    }
                }
            }
        }
        // Round-trip through the codec so an edit is validated exactly like a whole document.
        FrameworkConfig edited = new FrameworkConfig(command, cpus, mem, instances, env, failover,
                new Discovery(base, service, port), settle);
        return ConfigCodec.decode(ConfigCodec.encode(edited));
    }

    private static double number(String key, String value) throws InvalidConfigException {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "must be a number, got \"" + value + "\"");
        }
    }

    private static long whole(String key, String value) throws InvalidConfigException {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "must be a whole number, got \"" + value + "\"");
        }
    }
}
