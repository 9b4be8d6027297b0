package dev.corral.server.tree;

/** A client session as it is stored, so that it survives a restart. */
public record SessionRecord(long sessionId, byte[] password, int timeoutMs) {
}
