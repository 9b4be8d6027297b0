package dev.corral.server.admin;

import dev.corral.server.config.AdminTlsConfig;
import dev.corral.server.config.ConfigException;
import dev.corral.server.config.KeyMaterial;
import dev.corral.server.http.HttpEndpoint;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * The admin port's TLS, as JettyAdminServer's SslContextFactory sets it up: the {@code ssl.quorum.*} stores, the
 * JDK's default protocols and cipher suites, a client certificate required with {@code admin.needClientAuth} and not
 * asked for otherwise (Jetty's wantClientAuth stays false).
 */
final class AdminSsl {
    private AdminSsl() {
    }

    /** The endpoint's TLS, or null for plain HTTP. */
    static HttpEndpoint.Tls of(AdminTlsConfig tls) throws ConfigException {
        if (!tls.https()) {
            return null;
        }
        SslContextBuilder builder = SslContextBuilder.forServer(KeyMaterial.keyManager(tls.keyStore()))
                .sslProvider(SslProvider.JDK)
                .clientAuth(tls.needClientAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE);
        if (tls.trustStore() != null) {
            builder.trustManager(KeyMaterial.trustManager(tls.trustStore(), false, false));
        }
        try {
            return new HttpEndpoint.Tls(builder.build(), !tls.forceHttps(),
                    AdminTlsConfig.STRICT_TRANSPORT_SECURITY);
        } catch (SSLException e) {
            throw new ConfigException("cannot set up the admin port's TLS from the ssl.quorum.* keys: "
                    + e.getMessage());
        }
    }
}
