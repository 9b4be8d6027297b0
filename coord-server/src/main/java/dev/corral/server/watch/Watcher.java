package dev.corral.server.watch;

/** Something that can hold watches: a client connection. Identity is object identity. */
public interface Watcher {
}
