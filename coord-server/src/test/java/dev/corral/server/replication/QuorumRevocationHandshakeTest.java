package dev.corral.server.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.config.ClientTlsConfig.Store;
import dev.corral.server.config.ClientTlsConfig.StoreType;
import dev.corral.server.config.KeyMaterial;
import dev.corral.server.config.ZooCfg;
import dev.corral.server.tls.RevocationCerts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.apache.zookeeper.common.QuorumX509Util;
import org.apache.zookeeper.common.ZKConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssl.quorum.crl} on a real quorum TLS handshake, side by side with ZooKeeper 3.9.5: a member dialling in
 * with the good or the revoked certificate, accepted by ZooKeeper's QuorumX509Util server socket and by Corral's
 * quorum TLS handler (the one QuorumTransport puts on accepted connections), both set up from the same zoo.cfg.
 */
class QuorumRevocationHandshakeTest {
    @TempDir
    static Path dir;
    static RevocationCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = RevocationCerts.create(dir.resolve("certs"));
        Files.createDirectories(dir.resolve("zk"));
        Files.writeString(dir.resolve("zk").resolve("myid"), "1\n");
    }

    @AfterEach
    void clear() {
        clearProperties();
    }

    /** QuorumPeerConfig hands the ssl.quorum.* keys on as zookeeper.* system properties: remove them. */
    private static void clearProperties() {
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("zookeeper.")) {
                System.clearProperty(name);
            }
        }
    }

    /** The client certificates name no address, so hostname checks are off: only trust and revocation decide. */
    private static Properties zooCfg(boolean crl) {
        Properties p = new Properties();
        p.put("tickTime", "2000");
        p.put("initLimit", "10");
        p.put("syncLimit", "5");
        p.put("dataDir", dir.resolve("zk").toString());
        p.put("clientPort", "2181");
        p.put("server.1", "127.0.0.1:2888:3888");
        p.put("server.2", "127.0.0.1:2889:3889");
        p.put("server.3", "127.0.0.1:2890:3890");
        p.put("sslQuorum", "true");
        p.put("ssl.quorum.keyStore.location", certs.path("server.pem"));
        p.put("ssl.quorum.trustStore.location", certs.path("ca.pem"));
        p.put("ssl.quorum.hostnameVerification", "false");
        p.put("ssl.quorum.crl", String.valueOf(crl));
        return p;
    }

    /** Whether ZooKeeper's quorum server socket completes a handshake with each dialling member. */
    private static Map<String, String> zooKeeper(boolean crl) throws Exception {
        new QuorumPeerConfig().parseProperties(zooCfg(crl));
        Map<String, String> seen = new LinkedHashMap<>();
        try (QuorumX509Util x509 = new QuorumX509Util();
                SSLServerSocket server = x509.createSSLServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            for (String name : new String[] {"good", "revoked"}) {
                CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
                    try (SSLSocket s = (SSLSocket) server.accept()) {
                        s.setSoTimeout(5000);
                        s.startHandshake();
                        return "accepted";
                    } catch (IOException e) {
                        return "refused";
                    }
                });
                dial(server.getLocalPort(), name);
                seen.put(name, accepted.get(10, TimeUnit.SECONDS));
            }
        }
        return seen;
    }

    /** Whether Corral's accepting quorum TLS handler completes a handshake with each dialling member. */
    private static Map<String, String> corral(boolean crl) throws Exception {
        QuorumTls tls = QuorumTls.of(ZooCfg.parse(zooCfg(crl), dir).quorumTls());
        Map<String, String> seen = new LinkedHashMap<>();
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            for (String name : new String[] {"good", "revoked"}) {
                CompletableFuture<String> accepted = new CompletableFuture<>();
                Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                SslHandler handler = tls.accepting(ch.alloc(), ch.remoteAddress());
                                ch.pipeline().addLast(handler);
                                handler.handshakeFuture().addListener(f ->
                                        accepted.complete(f.isSuccess() ? "accepted" : "refused"));
                            }
                        }).bind("127.0.0.1", 0).sync().channel();
                try {
                    dial(((InetSocketAddress) server.localAddress()).getPort(), name);
                    seen.put(name, accepted.get(10, TimeUnit.SECONDS));
                } finally {
                    server.close().sync();
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        return seen;
    }

    /** A member dialling with {@code name}.pem: handshake, then wait for the server's verdict (close or silence). */
    private static void dial(int port, String name) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[] {KeyMaterial.keyManager(
                        new Store(certs.path(name + ".pem"), "", StoreType.PEM, "test.keyStore"))},
                new javax.net.ssl.TrustManager[] {KeyMaterial.trustManager(
                        new Store(certs.path("ca.pem"), "", StoreType.PEM, "test.trustStore"), false, false)},
                null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(1000);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            s.startHandshake();
            s.getInputStream().read();
        } catch (IOException e) {
            // a refusal shows as an alert or a close; a timeout as an accepted, silent peer
        }
    }

    private static Map<String, String> compare(boolean crl) throws Exception {
        Map<String, String> reference = zooKeeper(crl);
        clearProperties();
        Map<String, String> ours = corral(crl);
        System.out.println("quorum crl=" + crl + " (zookeeper): " + reference);
        assertThat(ours).as("crl=%s", crl).containsExactlyEntriesOf(reference);
        return reference;
    }

    @Test
    void quorumCrlRefusesARevokedMember() throws Exception {
        assertThat(compare(true)).containsExactly(Map.entry("good", "accepted"), Map.entry("revoked", "refused"));
    }

    @Test
    void withoutQuorumCrlARevokedMemberIsAccepted() throws Exception {
        assertThat(compare(false)).containsExactly(Map.entry("good", "accepted"), Map.entry("revoked", "accepted"));
    }
}
