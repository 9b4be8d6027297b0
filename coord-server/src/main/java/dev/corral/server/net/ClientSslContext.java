package dev.corral.server.net;

import dev.corral.server.config.ClientTlsConfig;
import dev.corral.server.config.ConfigException;
import dev.corral.server.config.KeyMaterial;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The server side of client TLS: one Netty {@link SslContext} on the JDK provider, set up as ZooKeeper's
 * ClientX509Util.createNettySslContextForServer sets it up (protocols, cipher suites, client auth), and a fresh
 * {@link SslHandler} per connection.
 */
final class ClientSslContext {
    private final SslContext context;
    private final boolean verifyClientHostname;

    ClientSslContext(ClientTlsConfig tls) throws ConfigException {
        SslContextBuilder builder = SslContextBuilder.forServer(KeyMaterial.keyManager(tls.keyStore()))
                .sslProvider(SslProvider.JDK)
                .protocols(tls.enabledProtocols())
                .ciphers(tls.cipherSuites())
                .clientAuth(switch (tls.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case WANT -> ClientAuth.OPTIONAL;
                    case NEED -> ClientAuth.REQUIRE;
                });
        if (tls.trustStore() != null) {
            // Without a trust store the JDK's default one checks client certificates, as in ZooKeeper.
            builder.trustManager(KeyMaterial.trustManager(tls.trustStore(), tls.crl(), tls.ocsp()));
        }
        try {
            this.context = builder.build();
        } catch (SSLException e) {
            throw new ConfigException("cannot set up client TLS from the ssl.* keys: " + e.getMessage());
        }
        this.verifyClientHostname = tls.clientHostnameVerify();
    }

    /** A TLS handler for a newly accepted connection. */
    SslHandler newHandler(Channel ch) {
        if (!verifyClientHostname) {
            return context.newHandler(ch.alloc());
        }
        // ssl.clientHostnameVerification: the client's certificate must name the address it connects from, which
        // the engine only checks when it knows that address.
        InetSocketAddress peer = (InetSocketAddress) ch.remoteAddress();
        SslHandler handler = context.newHandler(ch.alloc(), peer.getAddress().getHostAddress(), peer.getPort());
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        return handler;
    }
}
