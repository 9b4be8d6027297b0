package dev.corral.mesos.scheduler;

import java.time.Duration;

/**
 * One scheduler instance's settings. {@code spec} and {@code failoverTimeout} only seed the framework's stored
 * configuration document (its version 0); once one is stored it rules. A null {@code spec} seeds nothing: the document
 * must already exist. {@code address} goes into its election node so tools can show who leads.
 * {@code failoverTimeout} is FrameworkInfo.failover_timeout: how long the master keeps the framework's tasks while no
 * scheduler instance is subscribed — it must cover a leader change.
 */
public record SchedulerConfig(String frameworkName, String user, Duration failoverTimeout, TaskSpec spec,
                              String address, SchedulerConnection.Settings connection, Duration reconcileRetry) {

    public static SchedulerConfig of(String frameworkName, Duration failoverTimeout, TaskSpec spec, String address) {
        return new SchedulerConfig(frameworkName, System.getProperty("user.name", "root"), failoverTimeout, spec, address,
                SchedulerConnection.Settings.defaults(), Duration.ofSeconds(5));
    }

    /** The first configuration version these settings describe, if they carry a task spec. */
    public java.util.Optional<dev.corral.mesos.config.FrameworkConfig> seed() {
        return java.util.Optional.ofNullable(spec).map(s -> dev.corral.mesos.config.FrameworkConfig.seed(frameworkName,
                s.command(), s.cpus(), s.mem(), s.instances(), failoverTimeout));
    }

    public SchedulerConfig withTiming(SchedulerConnection.Settings settings, Duration reconcileRetry) {
        return new SchedulerConfig(frameworkName, user, failoverTimeout, spec, address, settings, reconcileRetry);
    }
}
