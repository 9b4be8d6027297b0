package dev.corral.server.pipeline;

import java.io.IOException;
import java.util.List;
import dev.corral.server.wire.KeeperError;

/**
 * How writes become durable and answered: committed here at once ({@link StandaloneWritePath}), or replicated
 * through an ensemble's leader (the ensemble package). Chosen when the server starts; the request processor's loop
 * knows only this interface. Every method runs on the processor thread.
 */
public interface WritePath {

    /** Builds the write path once the processor's state exists. */
    interface Factory {
        WritePath create(ServerContext ctx, Sessions sessions);
    }

    /**
     * A client request ({@code op} is its table entry, null for an opcode the server does not know). Takes it if
     * its operation is {@link Operation#replicated() replicated}, or if it must wait behind the session's writes
     * still in flight; returns false to have the processor answer it now.
     */
    boolean take(Work.Request request, Operation op) throws KeeperError, IOException;

    /** Handling a request hit a bug: drop whatever it left half-built in the view. */
    void requestFailed();

    /** Requests taken earlier that the processor may answer now, in order (reads released by a write's reply). */
    List<Work.Request> released();

    /** A client asked for a new session (a txn, so that every server knows it). */
    void newSession(ClientConnection conn, int timeoutMs, boolean legacy, long nowMs);

    /** The client's connection is gone: forget what it waited for. */
    void disconnected(ClientConnection conn);

    /** Periodic: session expiry (and, in an ensemble, telling the leader which sessions are alive). */
    void tick(long nowMs);

    /** Whether this server runs the container and TTL sweep (only the one that orders writes). */
    boolean sweeps();

    /** The sweep found {@code path} empty: delete it as a write. */
    void sweep(String path);

    /** End of a processor round: make this round's writes durable (or send them on) before replies go out. */
    void endRound();

    /**
     * After the round's replies went out: work that no reply waits for (an ensemble member writes the round's
     * committed txns to the store here; the ZAB log already made them durable).
     */
    default void afterReplies() {
    }

    /** Before a task that reads or replaces the store directly: put everything applied so far into it. */
    void beforeTask();

    /** Whether clients may be served now (standalone: always; a member: while it is in a working quorum). */
    boolean serving();

    /** What srvr prints as Mode: "standalone", "leader", "follower" or "looking". */
    String mode();

    /**
     * Leadership transfer (the rqld and ydld words): this server asks to lead, or ({@code yield}) its leader hands
     * over. Completes with null once asked, or with why not. Any thread.
     */
    default java.util.concurrent.CompletableFuture<String> leadership(boolean yield) {
        return java.util.concurrent.CompletableFuture.completedFuture("this server runs standalone: it has no"
                + " ensemble to hand leadership over to");
    }

    /** mntr fields of this server's role (an ensemble leader's learners, proposal sizes ...), in ZooKeeper's names. */
    default java.util.Map<String, Object> roleFields() {
        return java.util.Map.of();
    }
}
