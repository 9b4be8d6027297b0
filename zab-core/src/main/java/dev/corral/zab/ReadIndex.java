package dev.corral.zab;

/**
 * A confirmed read index: the linearizable read the host registered as {@code id} may be answered once the host has
 * applied everything up to {@code index} (a commit point of a leader that still led after the read was requested).
 */
public record ReadIndex(long id, Zxid index) {}
