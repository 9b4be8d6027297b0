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
 */
public record AdminTlsConfig(boolean forceHttps, boolean portUnification, boolean needClientAuth, Store keyStore,
                             Store trustStore, Store x509TrustStore, boolean x509Crl, boolean x509Ocsp) {

    /** Plain HTTP only. */
    public static final AdminTlsConfig PLAIN = new AdminTlsConfig(false, false, false, null, null, null, false,
            false);

    /** Whether the admin port accepts TLS at all. */
    public boolean https() {
        return forceHttps || portUnification;
    }
}
