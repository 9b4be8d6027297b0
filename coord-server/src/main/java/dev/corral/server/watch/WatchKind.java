package dev.corral.server.watch;

/** How a watch was set: by getData/exists, by getChildren, or by addWatch. */
public enum WatchKind {
    DATA,
    CHILD,
    PERSISTENT,
    PERSISTENT_RECURSIVE
}
