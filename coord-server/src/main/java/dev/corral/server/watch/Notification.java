package dev.corral.server.watch;

/** One watch event for one watcher. */
public record Notification(Watcher watcher, int eventType, String path, long zxid) {
}
