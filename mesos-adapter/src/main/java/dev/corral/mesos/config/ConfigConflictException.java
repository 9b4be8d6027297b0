package dev.corral.mesos.config;

/** A versioned write lost a race: the document changed since the version the writer read. */
public final class ConfigConflictException extends Exception {

    private final int expected;
    private final int current;

    public ConfigConflictException(int expected, int current) {
        super("configuration changed since version " + expected + " (now version " + current
                + "); nothing was written: read it again (config show) and retry");
        this.expected = expected;
        this.current = current;
    }

    public int expected() {
        return expected;
    }

    public int current() {
        return current;
    }
}
