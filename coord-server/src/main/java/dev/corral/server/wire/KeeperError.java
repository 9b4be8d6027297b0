package dev.corral.server.wire;

/**
 * A request failed with a ZooKeeper error code. Thrown by request preparation and read handling and turned into
 * the reply's {@code err} at the edge; never escapes to the network layer.
 */
public final class KeeperError extends Exception {
    private final int code;

    public KeeperError(int code) {
        super(null, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }

    @Override
    public String getMessage() {
        return "ZooKeeper error " + code;
    }
}
