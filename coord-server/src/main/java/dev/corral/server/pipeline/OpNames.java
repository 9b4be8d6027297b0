package dev.corral.server.pipeline;

import dev.corral.server.wire.OpCode;

/** The four-character operation names ZooKeeper shows as "lop" in cons. */
final class OpNames {
    private OpNames() {
    }

    static String of(int type) {
        return switch (type) {
            case OpCode.PING -> "PING";
            case OpCode.CLOSE_SESSION -> "CLOS";
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> "CREA";
            case OpCode.DELETE -> "DELE";
            case OpCode.SET_DATA -> "SETD";
            case OpCode.SET_ACL -> "SETA";
            case OpCode.MULTI -> "MULT";
            case OpCode.MULTI_READ -> "MLTR";
            case OpCode.EXISTS -> "EXIS";
            case OpCode.GET_DATA -> "GETD";
            case OpCode.GET_ACL -> "GETA";
            case OpCode.GET_CHILDREN -> "GETC";
            case OpCode.GET_CHILDREN2 -> "GETC";
            case OpCode.GET_ALL_CHILDREN_NUMBER -> "GETACN";
            case OpCode.GET_EPHEMERALS -> "GETE";
            case OpCode.SYNC -> "SYNC";
            case OpCode.SET_WATCHES, OpCode.SET_WATCHES2 -> "SETW";
            case OpCode.ADD_WATCH -> "ADDW";
            case OpCode.CHECK_WATCHES -> "CHKW";
            case OpCode.REMOVE_WATCHES -> "REMW";
            case OpCode.AUTH -> "AUTH";
            case OpCode.WHO_AM_I -> "HOMI";
            default -> "NA";
        };
    }
}
