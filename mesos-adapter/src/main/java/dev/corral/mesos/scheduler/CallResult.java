package dev.corral.mesos.scheduler;

/** The master's answer to a non-SUBSCRIBE call: 202 Accepted when all is well. */
public record CallResult(int status, String body) {
    public boolean accepted() {
        return status == 202;
    }
}
