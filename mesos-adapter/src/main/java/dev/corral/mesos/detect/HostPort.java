package dev.corral.mesos.detect;

/** A host and port, e.g. a master's HTTP endpoint. */
public record HostPort(String host, int port) {

    public static HostPort parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Expected host:port, got " + hostPort);
        }
        return new HostPort(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
