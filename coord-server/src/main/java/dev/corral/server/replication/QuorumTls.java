package dev.corral.server.replication;

import dev.corral.server.config.ConfigException;
import dev.corral.server.config.KeyMaterial;
import dev.corral.server.config.QuorumTlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS on quorum connections (sslQuorum, portUnification): a server and a client Netty {@link SslContext} on the JDK
 * provider, both with this member's key, set up as QuorumX509Util sets up ZooKeeper's quorum sockets (protocols,
 * cipher suites, client auth, hostname verification on both ends).
 */
public final class QuorumTls {
    /** Plain connections both ways. */
    public static final QuorumTls PLAIN = new QuorumTls();

    private final QuorumTlsConfig config;
    private final SslContext server;
    private final SslContext client;

    private QuorumTls() {
        this.config = QuorumTlsConfig.OFF;
        this.server = null;
        this.client = null;
    }

    private QuorumTls(QuorumTlsConfig config) throws ConfigException {
        this.config = config;
        X509KeyManager keys = KeyMaterial.keyManager(config.keyStore());
        X509TrustManager trust = config.trustStore() == null ? null
                : KeyMaterial.trustManager(config.trustStore(), config.crl(), config.ocsp());
        try {
            SslContextBuilder sb = SslContextBuilder.forServer(keys)
                    .sslProvider(SslProvider.JDK)
                    .protocols(config.enabledProtocols())
                    .ciphers(config.cipherSuites())
                    .clientAuth(switch (config.clientAuth()) {
                        case NONE -> ClientAuth.NONE;
                        case WANT -> ClientAuth.OPTIONAL;
                        case NEED -> ClientAuth.REQUIRE;
                    });
            SslContextBuilder cb = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .keyManager(keys)
                    .protocols(config.enabledProtocols())
                    .ciphers(config.cipherSuites());
            if (trust != null) {
                // Without a trust store the JDK's default one checks peers' certificates, as in ZooKeeper.
                sb.trustManager(trust);
                cb.trustManager(trust);
            }
            this.server = sb.build();
            this.client = cb.build();
        } catch (SSLException e) {
            throw new ConfigException("cannot set up quorum TLS from the ssl.quorum.* keys: " + e.getMessage());
        }
    }

    /** The TLS set-up {@code config} asks for ({@link #PLAIN} when it is off). */
    public static QuorumTls of(QuorumTlsConfig config) throws ConfigException {
        return config.acceptsTls() ? new QuorumTls(config) : PLAIN;
    }

    boolean dialsTls() {
        return config.dialsTls();
    }

    boolean acceptsTls() {
        return config.acceptsTls();
    }

    boolean acceptsPlain() {
        return config.acceptsPlain();
    }

    /** A handler for a connection accepted from {@code peer}. */
    SslHandler accepting(ByteBufAllocator alloc, InetSocketAddress peer) {
        if (!config.clientHostnameVerify()) {
            return server.newHandler(alloc);
        }
        // The engine checks the dialler's certificate against the address only when it knows that address.
        return verifying(server.newHandler(alloc, peer.getAddress().getHostAddress(), peer.getPort()));
    }

    /** A handler for a connection dialled to {@code peer} (its server.N address). */
    SslHandler dialling(ByteBufAllocator alloc, InetSocketAddress peer) {
        SslHandler handler = client.newHandler(alloc, peer.getHostString(), peer.getPort());
        return config.hostnameVerification() ? verifying(handler) : handler;
    }

    private static SslHandler verifying(SslHandler handler) {
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        return handler;
    }
}
