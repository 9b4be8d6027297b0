package dev.corral.server.migrate;

/** The ZooKeeper opcodes that appear as txn types in its logs (ZooDefs.OpCode), named here for the readers. */
final class ZkOps {
    static final int CREATE = 1;
    static final int DELETE = 2;
    static final int SET_DATA = 5;
    static final int SET_ACL = 7;
    static final int CHECK = 13;
    static final int MULTI = 14;
    static final int CREATE2 = 15;
    static final int RECONFIG = 16;
    static final int CREATE_CONTAINER = 19;
    static final int DELETE_CONTAINER = 20;
    static final int CREATE_TTL = 21;
    static final int CREATE_SESSION = -10;
    static final int CLOSE_SESSION = -11;
    static final int ERROR = -1;

    private ZkOps() {
    }
}
