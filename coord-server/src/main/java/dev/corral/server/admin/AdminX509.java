package dev.corral.server.admin;

import dev.corral.server.acl.AuthIds;
import dev.corral.server.config.AdminTlsConfig;
import dev.corral.server.config.ConfigException;
import dev.corral.server.config.KeyMaterial;
import dev.corral.server.config.ServerConfig;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code x509} scheme of an admin command, as ZooKeeper's X509AuthenticationProvider authenticates an HTTPS
 * request: the certificate chain the client presented in the handshake, checked against the client trust store
 * ({@code ssl.trustStore}); its subject's ids follow {@link AuthIds#x509}. The scheme must be registered (client TLS
 * on, or {@code authProvider.x509} set), else, as in ZooKeeper, it is an unknown scheme.
 */
final class AdminX509 {
    private static final Logger LOG = LoggerFactory.getLogger(AdminX509.class);

    private final boolean registered;
    private final X509TrustManager trust;
    private final String superUser;

    AdminX509(ServerConfig config) {
        this.registered = config.clientTls().x509Enabled();
        AdminTlsConfig tls = config.adminTls();
        try {
            this.trust = tls.x509TrustStore() == null ? null
                    : KeyMaterial.trustManager(tls.x509TrustStore(), tls.x509Crl(), tls.x509Ocsp());
        } catch (ConfigException e) {
            // AdminTlsCfg loaded this store already: only a file changed since start-up gets here.
            throw new IllegalStateException(e.getMessage(), e);
        }
        this.superUser = config.clientTls().x509SuperUser();
    }

    boolean registered() {
        return registered;
    }

    /** The ids, or an empty list when the chain authenticates no one (ZooKeeper: "Auth Id list is empty"). */
    List<Id> authenticate(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            LOG.warn("No certificate chain available to authenticate");
            return List.of();
        }
        if (trust == null) {
            LOG.error("No trust manager available to authenticate (set ssl.trustStore.location)");
            return List.of();
        }
        X509Certificate cert = chain.get(0);
        try {
            trust.checkClientTrusted(chain.toArray(new X509Certificate[0]), cert.getPublicKey().getAlgorithm());
        } catch (CertificateException e) {
            LOG.error("Failed to trust certificate of {}", cert.getSubjectX500Principal(), e);
            return List.of();
        }
        return AuthIds.x509(cert.getSubjectX500Principal().getName(), superUser);
    }
}
