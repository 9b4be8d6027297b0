package dev.corral.server.replication;

import dev.corral.zab.Zxid;
import java.util.concurrent.CompletableFuture;

/** The narrow view of replication the request pipeline needs (implemented by {@link ZabDriver}; easy to fake). */
public interface Replicator {

    /** See {@link ZabDriver#propose}. */
    CompletableFuture<Zxid> propose(byte[] payload);

    /** This peer's role, leader and epoch right now. */
    PeerStatus status();
}
