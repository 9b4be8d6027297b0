package dev.corral.server.config;

import java.util.Set;

/**
 * Which ensemble members vote and which observe, read from zoo.cfg by {@link PeerRolesCfg}: the {@code :observer} (or
 * {@code :participant}) suffix of {@code server.N} and {@code peerType}.
 *
 * @param observers        ids whose {@code server.N} line says {@code observer}
 * @param peerTypeObserver {@code peerType=observer}: this server says it is an observer; as in ZooKeeper the server
 *                         list decides when the two disagree (with a warning)
 */
public record PeerRoles(Set<Integer> observers, boolean peerTypeObserver) {
    public static final PeerRoles NONE = new PeerRoles(Set.of(), false);

    public PeerRoles {
        observers = Set.copyOf(observers);
    }

    public boolean isObserver(int id) {
        return observers.contains(id);
    }
}
