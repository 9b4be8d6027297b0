package dev.corral.server.config;

import java.util.List;

/**
 * Client TLS and x509 authentication, as ZooKeeper 3.9 configures them (zoo.cfg {@code secureClientPort},
 * {@code client.portUnification}, {@code ssl.*}, {@code authProvider.x509}, or the {@code zookeeper.}-prefixed
 * system properties). Validated by {@link ClientTlsCfg}; the key material itself is loaded by {@link KeyMaterial}.
 *
 * @param securePort           the TLS-only port, or -1 for none
 * @param securePortAddress    the address the TLS-only port binds to, or null for every address
 * @param portUnification      the plain client port also accepts TLS (a ClientHello is recognised)
 * @param keyStore             the server's certificate and key
 * @param trustStore           what client certificates must chain to; null means the JDK's default trust store
 * @param enabledProtocols     {@code ssl.enabledProtocols}, or {@code ssl.protocol} alone, as ZooKeeper's server does
 * @param cipherSuites         {@code ssl.ciphersuites}, or ZooKeeper's default list
 * @param clientHostnameVerify verify a client certificate against the client's address (ZooKeeper:
 *                             {@code ssl.hostnameVerification && ssl.clientHostnameVerification})
 * @param x509Enabled          the x509 ACL scheme is registered (TLS is on, or {@code authProvider.x509} is set)
 * @param x509SuperUser        {@code X509AuthenticationProvider.superUser}: the subject that is super, or null
 */
public record ClientTlsConfig(
        int securePort,
        String securePortAddress,
        boolean portUnification,
        Store keyStore,
        Store trustStore,
        List<String> enabledProtocols,
        List<String> cipherSuites,
        ClientAuth clientAuth,
        boolean clientHostnameVerify,
        boolean crl,
        boolean ocsp,
        boolean x509Enabled,
        String x509SuperUser) {

    /** No TLS, no x509 scheme. */
    public static final ClientTlsConfig NONE = new ClientTlsConfig(-1, null, false, null, null, List.of(), List.of(),
            ClientAuth.NEED, false, false, false, false, null);

    /** {@code ssl.clientAuth}: whether a client certificate is asked for, and whether it is required. */
    public enum ClientAuth { NONE, WANT, NEED }

    /**
     * A key or trust store file. {@code keyPrefix} is the zoo.cfg prefix it came from ("ssl.keyStore"), so that a
     * failure to load it names the keys to fix.
     */
    public record Store(String location, String password, StoreType type, String keyPrefix) {
        @Override
        public String toString() {
            return keyPrefix + ".location=" + location + " (" + type + ")";
        }
    }

    /** The store formats ZooKeeper reads; PEM as its PemReader reads it. */
    public enum StoreType { JKS, PKCS12, PEM, BCFKS }

    /** Whether any connection may be TLS (a secure port, or a unified plain port). */
    public boolean enabled() {
        return securePort >= 0 || portUnification;
    }
}
