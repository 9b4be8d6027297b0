package dev.corral.mesos.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A framework's configuration, as stored (one JSON document, see {@link ConfigCodec}): what each task runs, how many
 * instances, the FrameworkInfo failover timeout, where running tasks are announced, and how long a replacement must
 * have been TASK_RUNNING before a rollout replaces the next task ({@code rolloutSettle}, default 0). Instances of a valid document
 * only: the codec validates before building one.
 */
public record FrameworkConfig(String command, double cpus, double mem, int instances, SortedMap<String, String> environment,
                              Duration failoverTimeout, Discovery discovery, Duration rolloutSettle) {

    public FrameworkConfig {
        environment = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(environment));
    }

    /** The first version, from `corral-mesos run` flags. */
    public static FrameworkConfig seed(String frameworkName, String command, double cpus, double mem, int instances,
                                       Duration failoverTimeout) {
        return new FrameworkConfig(command, cpus, mem, instances, new TreeMap<>(), failoverTimeout,
                new Discovery(Discovery.DEFAULT_BASE, frameworkName, java.util.Optional.empty()), Duration.ZERO);
    }

    public FrameworkConfig withInstances(int n) {
        return new FrameworkConfig(command, cpus, mem, n, environment, failoverTimeout, discovery, rolloutSettle);
    }

    public FrameworkConfig withCommand(String c) {
        return new FrameworkConfig(c, cpus, mem, instances, environment, failoverTimeout, discovery, rolloutSettle);
    }

    /**
     * Identifies what a task runs (command, resources, environment): a task launched under a document with another
     * hash must be replaced. Instance count, failover timeout and discovery settings change no task.
     */
    public String specHash() {
        StringBuilder b = new StringBuilder().append(command).append('\0').append(cpus).append('\0').append(mem);
        for (Map.Entry<String, String> e : environment.entrySet()) {
            b.append('\0').append(e.getKey()).append('=').append(e.getValue());
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JRE has SHA-256
        }
    }
}
