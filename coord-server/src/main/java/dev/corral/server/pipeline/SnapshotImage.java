package dev.corral.server.pipeline;

/** A snapshot of the tree in Corral's format ({@code tree.TreeArchive}), with the zxid it was taken at. */
public record SnapshotImage(byte[] bytes, long lastZxid) {
}
