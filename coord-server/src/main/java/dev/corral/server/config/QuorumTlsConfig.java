package dev.corral.server.config;

import dev.corral.server.config.ClientTlsConfig.ClientAuth;
import dev.corral.server.config.ClientTlsConfig.Store;
import java.util.List;

/**
 * Quorum TLS, as ZooKeeper 3.9 configures it: zoo.cfg {@code sslQuorum} and {@code portUnification}, and the
 * {@code ssl.quorum.*} keys (or their {@code zookeeper.ssl.quorum.*} system properties). Validated, and its stores
 * loaded once, by {@link QuorumTlsCfg}.
 *
 * @param sslQuorum            every connection this member dials is TLS, and (without portUnification) every
 *                             connection it accepts must be
 * @param portUnification      the quorum port accepts TLS and plain connections (for a rolling switch)
 * @param keyStore             this member's certificate and key (presented both when dialling and accepting)
 * @param trustStore           what peers' certificates must chain to; null means the JDK's default trust store
 * @param enabledProtocols     {@code ssl.quorum.enabledProtocols}, or {@code ssl.quorum.protocol} alone
 * @param cipherSuites         {@code ssl.quorum.ciphersuites}, or ZooKeeper's default list
 * @param clientAuth           {@code ssl.quorum.clientAuth} (need by default: mutual authentication)
 * @param hostnameVerification a dialled peer's certificate must name the address in its server.N line
 * @param clientHostnameVerify a peer dialling in must present a certificate naming the address it comes from
 *                             (QuorumX509Util verifies client hostnames by default)
 */
public record QuorumTlsConfig(
        boolean sslQuorum,
        boolean portUnification,
        Store keyStore,
        Store trustStore,
        List<String> enabledProtocols,
        List<String> cipherSuites,
        ClientAuth clientAuth,
        boolean hostnameVerification,
        boolean clientHostnameVerify,
        boolean crl,
        boolean ocsp) {

    /** Plain quorum connections only (ZooKeeper's default). */
    public static final QuorumTlsConfig OFF = new QuorumTlsConfig(false, false, null, null, List.of(), List.of(),
            ClientAuth.NEED, true, true, false, false);

    /** Whether connections this member dials are TLS (sslQuorum). */
    public boolean dialsTls() {
        return sslQuorum;
    }

    /** Whether the quorum port accepts a TLS connection. */
    public boolean acceptsTls() {
        return sslQuorum || portUnification;
    }

    /** Whether the quorum port accepts a plain connection. */
    public boolean acceptsPlain() {
        return !sslQuorum || portUnification;
    }
}
