package dev.corral.server.config;

import dev.corral.server.config.ClientTlsConfig.Store;

/**
 * HTTPS on the AdminServer port, as ZooKeeper 3.9's JettyAdminServer sets it up ({@code admin.forceHttps},
 * {@code admin.portUnification}, {@code admin.needClientAuth}); parsed by {@link AdminTlsCfg}. Like ZooKeeper, the
 * port's own key material is the quorum's ({@code ssl.quorum.keyStore.*}, {@code ssl.quorum.trustStore.*}), while the
 * {@code x509} scheme of an admin command checks the client certificate with the client trust store
 * ({@code ssl.trustStore.*}), as ZooKeeper's X509AuthenticationProvider does.
 *
 * @param forceHttps      the admin port speaks TLS only
 * @param portUnification the admin port serves plain HTTP and HTTPS (ignored when forceHttps is set)
 * @param needClientAuth  the TLS handshake requires a client certificate; otherwise none is asked for
 * @param keyStore        the admin port's certificate and key ({@code ssl.quorum.keyStore}); null when plain
 * @param trustStore      what client certificates must chain to in the handshake ({@code ssl.quorum.trustStore});
 *                        null means the JDK's default trust store
 * @param x509TrustStore  what the {@code x509} scheme checks a client certificate against ({@code ssl.trustStore});
 *                        null: the scheme authenticates no one, as in ZooKeeper without a trust manager
 * @param x509Crl         {@code ssl.crl} for that check
 * @param x509Ocsp        {@code ssl.ocsp} for that check
 * @param idleTimeoutMs   {@code admin.idleTimeout}: a connection idle this long is closed (0 or less: never); a
 *                        transport setting of the admin port like the others, so it lives here
 */
public record AdminTlsConfig(boolean forceHttps, boolean portUnification, boolean needClientAuth, Store keyStore,
                             Store trustStore, Store x509TrustStore, boolean x509Crl, boolean x509Ocsp,
                             long idleTimeoutMs) {
    /** ZooKeeper's JettyAdminServer.DEFAULT_IDLE_TIMEOUT. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 30_000;
    /** What Jetty's SecureRequestCustomizer sends on HTTPS answers as ZooKeeper sets it up (max age a day). */
    public static final String STRICT_TRANSPORT_SECURITY = "max-age=86400; includeSubDomains";

    /** Plain HTTP only. */
    public static final AdminTlsConfig PLAIN = new AdminTlsConfig(false, false, false, null, null, null, false,
            false, DEFAULT_IDLE_TIMEOUT_MS);

    /** Whether the admin port accepts TLS at all. */
    public boolean https() {
        return forceHttps || portUnification;
    }
}
