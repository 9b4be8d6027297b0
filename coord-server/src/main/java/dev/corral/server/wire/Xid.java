package dev.corral.server.wire;

/** Reserved xids: the client marks control packets with these instead of a sequence number. */
public final class Xid {
    public static final int NOTIFICATION = -1;
    public static final int PING = -2;
    public static final int AUTH = -4;
    public static final int SET_WATCHES = -8;

    private Xid() {
    }
}
