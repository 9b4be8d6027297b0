package dev.corral.zab;

import java.util.List;

/**
 * Test code between one peer's {@link ZabNode} and its links: it sees every message the node is given and may rewrite
 * the messages the node hands out before the host sends them. The simulator's hosts ({@code sim.SimHost}) and
 * {@link ManualCluster} put one in front of each node. A correct run uses {@link #NONE}; the planted bugs that live on
 * the wire ({@link SkipTrunc}, {@link StaleEpochPromise}) are taps, so the wrong protocol is test code and zab-core's
 * main code has no hook for it.
 */
public interface WireTap {
    /** Passes everything through unchanged. */
    WireTap NONE = new WireTap() {};

    /** The node is about to step {@code m} from {@code from}. */
    default void received(int from, Message m) {}

    /** What the host will send in place of {@code out} (the node's output, in order). Must keep per-peer order. */
    default List<Outbound> sending(List<Outbound> out) {
        return out;
    }

    /** This tap, then {@code next}: both see what is received; {@code next} rewrites what this one sends. */
    default WireTap andThen(WireTap next) {
        WireTap first = this;
        return new WireTap() {
            @Override
            public void received(int from, Message m) {
                first.received(from, m);
                next.received(from, m);
            }

            @Override
            public List<Outbound> sending(List<Outbound> out) {
                return next.sending(first.sending(out));
            }
        };
    }
}
