package dev.corral.server.net;

import dev.corral.server.acl.AuthIds;
import dev.corral.server.config.ClientTlsConfig;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * x509 authentication of a TLS connection once its handshake is done, as ZooKeeper's NettyServerCnxnFactory
 * (CertificateVerifier) and X509AuthenticationProvider do it: the client certificate's subject, as an RFC 2253
 * string, becomes the id {@code x509:<subject>}, preceded by {@code super:<subject>} when it is
 * {@code X509AuthenticationProvider.superUser}.
 */
final class X509Identity {
    private static final Logger LOG = LoggerFactory.getLogger(X509Identity.class);

    private final boolean haveTrustStore;
    private final String superUser;

    X509Identity(ClientTlsConfig tls) {
        this.haveTrustStore = tls.trustStore() != null;
        this.superUser = tls.x509SuperUser();
    }

    /** The connection's ids, or empty if it must be closed. */
    Optional<List<Id>> authenticate(SSLEngine engine) {
        if (!engine.getNeedClientAuth() && !engine.getWantClientAuth()) {
            return Optional.of(List.of()); // no certificate was asked for
        }
        Certificate[] chain;
        try {
            chain = engine.getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            // No certificate: ssl.clientAuth=want lets the client in unauthenticated; need never gets this far.
            return engine.getNeedClientAuth() ? Optional.empty() : Optional.of(List.of());
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
            return Optional.empty();
        }
        if (!haveTrustStore) {
            // ZooKeeper's provider has no trust manager to authenticate with and fails the connection.
            LOG.error("no ssl.trustStore to authenticate the client certificate of {} with; closing",
                    cert.getSubjectX500Principal());
            return Optional.empty();
        }
        String subject = cert.getSubjectX500Principal().getName();
        LOG.debug("authenticated x509 id '{}'", subject);
        return Optional.of(AuthIds.x509(subject, superUser));
    }
}
