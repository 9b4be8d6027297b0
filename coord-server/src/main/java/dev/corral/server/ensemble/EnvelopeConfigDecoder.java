package dev.corral.server.ensemble;

import dev.corral.server.config.ConfigException;
import dev.corral.server.reconfig.ClusterConfig;
import dev.corral.server.tree.Txn;
import dev.corral.server.tree.TxnCodec;
import dev.corral.zab.ConfigDecoder;
import dev.corral.zab.MajorityQuorum;
import dev.corral.zab.QuorumVerifier;
import java.io.IOException;

/**
 * Finds a membership change in a proposal's payload (an {@link Envelope} holding a {@link Txn.Reconfig}) for
 * zab-core. Every payload passes through here, so an ordinary one is told apart by its txn type byte alone.
 */
public final class EnvelopeConfigDecoder implements ConfigDecoder {
    public static final EnvelopeConfigDecoder INSTANCE = new EnvelopeConfigDecoder();

    private EnvelopeConfigDecoder() {
    }

    @Override
    public QuorumVerifier configIn(byte[] payload) {
        if (payload.length <= Envelope.HEADER || payload[Envelope.HEADER] != TxnCodec.RECONFIG) {
            return null;
        }
        try {
            Txn.Reconfig r = (Txn.Reconfig) Envelope.decode(payload).txn();
            return quorum(ClusterConfig.parse(r.serverLines(), 0));
        } catch (IOException | ConfigException | ClassCastException e) {
            // The leader encoded it from a configuration it had parsed: a payload that does not parse is corrupt.
            throw new IllegalStateException("undecodable reconfig payload: " + e.getMessage(), e);
        }
    }

    /** The voters (participants) and members (everyone listed) of {@code config}. */
    public static MajorityQuorum quorum(ClusterConfig config) {
        return new MajorityQuorum(config.voters(), config.members().keySet());
    }
}
