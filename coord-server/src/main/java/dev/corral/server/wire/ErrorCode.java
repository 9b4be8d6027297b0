package dev.corral.server.wire;

/** ZooKeeper's error codes ({@code KeeperException.Code}) as they travel in {@code ReplyHeader.err}. */
public final class ErrorCode {
    public static final int OK = 0;
    public static final int SYSTEM_ERROR = -1;
    public static final int RUNTIME_INCONSISTENCY = -2;
    public static final int DATA_INCONSISTENCY = -3;
    public static final int CONNECTION_LOSS = -4;
    public static final int MARSHALLING_ERROR = -5;
    public static final int UNIMPLEMENTED = -6;
    public static final int OPERATION_TIMEOUT = -7;
    public static final int BAD_ARGUMENTS = -8;
    public static final int NEW_CONFIG_NO_QUORUM = -13;
    public static final int RECONFIG_IN_PROGRESS = -14;
    public static final int UNKNOWN_SESSION = -12;
    public static final int API_ERROR = -100;
    public static final int NO_NODE = -101;
    public static final int NO_AUTH = -102;
    public static final int BAD_VERSION = -103;
    public static final int NO_CHILDREN_FOR_EPHEMERALS = -108;
    public static final int NODE_EXISTS = -110;
    public static final int NOT_EMPTY = -111;
    public static final int SESSION_EXPIRED = -112;
    public static final int INVALID_CALLBACK = -113;
    public static final int INVALID_ACL = -114;
    public static final int AUTH_FAILED = -115;
    public static final int SESSION_MOVED = -118;
    public static final int NOT_READ_ONLY = -119;
    public static final int EPHEMERAL_ON_LOCAL_SESSION = -120;
    public static final int NO_WATCHER = -121;
    public static final int RECONFIG_DISABLED = -123;
    public static final int SESSION_CLOSED_REQUIRE_SASL_AUTH = -124;
    public static final int QUOTA_EXCEEDED = -125;
    public static final int THROTTLED_OP = -127;

    private ErrorCode() {
    }
}
