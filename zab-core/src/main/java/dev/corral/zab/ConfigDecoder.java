package dev.corral.zab;

/** Reads a config change out of a txn payload; the host owns the payload format. */
@FunctionalInterface
public interface ConfigDecoder {
    /** The new configuration this payload installs, or null for an ordinary txn. */
    QuorumVerifier configIn(byte[] payload);

    /** For hosts without dynamic reconfiguration: no payload is a config change. */
    ConfigDecoder NONE = p -> null;
}
