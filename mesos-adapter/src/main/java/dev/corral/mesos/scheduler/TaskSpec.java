package dev.corral.mesos.scheduler;

/** What to run: {@code instances} copies of a shell command, each with these resources. */
public record TaskSpec(String command, double cpus, double mem, int instances) {
    public TaskSpec {
        if (instances < 0 || cpus <= 0 || mem <= 0 || command.isBlank()) {
            throw new IllegalArgumentException("Bad task spec");
        }
    }
}
