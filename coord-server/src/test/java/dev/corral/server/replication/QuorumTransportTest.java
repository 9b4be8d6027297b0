package dev.corral.server.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.zab.Message;
import dev.corral.zab.Txn;
import dev.corral.zab.Zxid;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuorumTransportTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<QuorumTransport> open = new ArrayList<>();

    record Received(int from, Object what) {}

    /** Records everything a transport delivers. */
    static class Recorder implements QuorumTransport.ZabHandler, QuorumTransport.HostFrameHandler {
        final List<Received> zab = new CopyOnWriteArrayList<>();
        final List<Received> host = new CopyOnWriteArrayList<>();
        final List<Object> order = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(int from, Message message) {
            zab.add(new Received(from, message));
            order.add(message);
        }

        @Override
        public void onSnapshot(int from, Zxid at, Path dir) {
            order.add(dir);
        }

        @Override
        public void onHostFrame(int from, byte[] payload) {
            host.add(new Received(from, new String(payload, StandardCharsets.UTF_8)));
        }
    }

    @AfterEach
    void closeAll() {
        open.forEach(QuorumTransport::close);
    }

    private QuorumTransport transport(int id, Map<Integer, InetSocketAddress> addresses, Recorder r) throws Exception {
        QuorumTransport t = new QuorumTransport(id, addresses, dir.resolve("inbox" + id), TestPeer.OPTIONS);
        t.setZabHandler(r);
        t.setHostFrameHandler(r);
        t.start();
        open.add(t);
        return t;
    }

    @Test
    void zabMessagesAndHostFramesFlowBothWaysInOrderAndSurviveARestart() throws Exception {
        Map<Integer, InetSocketAddress> addresses = TestPeer.freeAddresses(3);
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        QuorumTransport t1 = transport(1, addresses, r1);
        QuorumTransport t2 = transport(2, addresses, r2);
        await().atMost(PATIENCE).until(() -> t1.isConnected(2) && t2.isConnected(1));
        assertThat(t1.isConnected(3)).isFalse();
        assertThat(t1.send(3, new Message.Ping(1))).as("no link to a peer that is down").isFalse();

        for (int i = 0; i < 500; i++) {
            t1.send(2, new Message.Proposal(1, List.of(new Txn(new Zxid(1, i + 1), ("x" + i).getBytes()))));
            if (i % 50 == 0) {
                t1.flush();
            }
        }
        t1.flush();
        t2.send(1, new Message.Ack(1, new Zxid(1, 500)));
        t2.flush();
        assertThat(t1.sendHost(2, "forward me".getBytes(StandardCharsets.UTF_8))).isTrue();
        t2.sendHost(1, "reply".getBytes(StandardCharsets.UTF_8));

        await().atMost(PATIENCE).until(() -> r2.zab.size() == 500 && r1.zab.size() == 1 && r2.host.size() == 1
                && r1.host.size() == 1);
        for (int i = 0; i < 500; i++) {
            Message.Proposal p = (Message.Proposal) r2.zab.get(i).what();
            assertThat(p.txns().get(0).counter()).isEqualTo(i + 1);
            assertThat(r2.zab.get(i).from()).isEqualTo(1);
        }
        assertThat(r1.zab.get(0)).isEqualTo(new Received(2, new Message.Ack(1, new Zxid(1, 500))));
        assertThat(r2.host.get(0)).isEqualTo(new Received(1, "forward me"));
        assertThat(r1.host.get(0)).isEqualTo(new Received(2, "reply"));

        // Peer 2 goes away and comes back on the same port: peer 1 redials and traffic flows again.
        t2.close();
        await().atMost(PATIENCE).until(() -> !t1.isConnected(2));
        Recorder r2b = new Recorder();
        QuorumTransport t2b = transport(2, addresses, r2b);
        await().atMost(PATIENCE).until(() -> t1.isConnected(2) && t2b.isConnected(1));
        t1.send(2, new Message.Ping(7));
        t1.flush();
        await().atMost(PATIENCE).until(() -> r2b.zab.size() == 1);
        assertThat(r2b.zab.get(0)).isEqualTo(new Received(1, new Message.Ping(7)));
    }

    @Test
    void aPeerThatDialsUsIsRedialledAtOnceAndTheHandlerHearsOfTheNewLink() throws Exception {
        Map<Integer, InetSocketAddress> addresses = TestPeer.freeAddresses(2);
        // Peer 2 is down when peer 1 starts: peer 1's first dial fails and the next waits a minute.
        QuorumTransport.Options slowRedial = new QuorumTransport.Options(64 << 20, 100, 3_000, 60_000, 60_000, 4096);
        List<Integer> linksUp = new CopyOnWriteArrayList<>();
        Recorder r1 = new Recorder() {
            @Override
            public void onLinkUp(int peer) {
                linksUp.add(peer);
            }
        };
        QuorumTransport t1 = new QuorumTransport(1, addresses, dir.resolve("inbox1"), slowRedial);
        t1.setZabHandler(r1);
        t1.start();
        open.add(t1);
        Thread.sleep(300); // the failed first dial and its scheduled redial
        assertThat(t1.isConnected(2)).isFalse();

        QuorumTransport t2 = transport(2, addresses, new Recorder());
        // Peer 2's dial to peer 1 shows that it is up: peer 1 dials back now, not a minute later.
        await().atMost(Duration.ofSeconds(10)).until(() -> t2.isConnected(1) && t1.isConnected(2));
        assertThat(linksUp).containsExactly(2);
        assertThat(t1.send(2, new Message.Ping(3))).isTrue();
    }

    @Test
    void aSnapshotDirectoryArrivesWholeBeforeItsSnapMessageAndAheadOfLaterTraffic() throws Exception {
        Map<Integer, InetSocketAddress> addresses = TestPeer.freeAddresses(2);
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        QuorumTransport t1 = transport(1, addresses, r1);
        transport(2, addresses, r2);
        await().atMost(PATIENCE).until(() -> t1.isConnected(2));

        Path src = dir.resolve("checkpoint");
        Files.createDirectories(src.resolve("a/b"));
        byte[] big = new byte[300_000];                // many 4 KiB chunks
        new Random(42).nextBytes(big);
        Files.write(src.resolve("000012.sst"), big);
        Files.writeString(src.resolve("CURRENT"), "MANIFEST-000005\n");
        Files.write(src.resolve("a/b/empty"), new byte[0]);
        Zxid at = new Zxid(3, 777);
        AtomicInteger done = new AtomicInteger();
        assertThat(t1.sendSnapshot(2, at, src, done::incrementAndGet)).isTrue();
        t1.send(2, new Message.Snap(4, at));
        t1.send(2, new Message.Proposal(4, List.of(new Txn(new Zxid(4, 778), new byte[] {1}))));
        t1.flush();

        await().atMost(PATIENCE).until(() -> r2.order.size() == 3 && done.get() == 1);
        assertThat(r2.order.get(0)).isInstanceOf(Path.class);
        assertThat(r2.order.get(1)).isEqualTo(new Message.Snap(4, at));
        assertThat(r2.order.get(2)).isInstanceOf(Message.Proposal.class);
        Path got = (Path) r2.order.get(0);
        assertThat(got).startsWith(dir.resolve("inbox2"));
        assertThat(Files.readAllBytes(got.resolve("000012.sst"))).isEqualTo(big);
        assertThat(Files.readString(got.resolve("CURRENT"))).isEqualTo("MANIFEST-000005\n");
        assertThat(got.resolve("a/b/empty")).exists().isEmptyFile();

        // A Snap message without its snapshot (e.g. after a reconnect) is not delivered.
        t1.send(2, new Message.Snap(4, new Zxid(3, 900)));
        t1.send(2, new Message.Ping(4));
        t1.flush();
        await().atMost(PATIENCE).until(() -> r2.order.size() == 4);
        assertThat(r2.order.get(3)).isEqualTo(new Message.Ping(4));
    }

    @Test
    void aStrangerIsDisconnectedAndTheTransportCarriesOn() throws Exception {
        Map<Integer, InetSocketAddress> addresses = TestPeer.freeAddresses(2);
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        QuorumTransport t1 = transport(1, addresses, r1);
        try (Socket s = new Socket()) {
            s.connect(addresses.get(1), 5_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0, 0, 0, 10, 1, 'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T'});
            out.flush();
            assertThat(s.getInputStream().read()).as("closed by the transport").isEqualTo(-1);
        }
        try (Socket s = new Socket()) {           // a HELLO with an unknown id
            s.connect(addresses.get(1), 5_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0, 0, 0, 10, 1, 0x43, 0x52, 0x4c, 0x51, 1, 0, 0, 0, 9});
            out.flush();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        QuorumTransport t2 = transport(2, addresses, r2);
        await().atMost(PATIENCE).until(() -> t2.isConnected(1));
        t2.send(1, new Message.Ping(1));
        t2.flush();
        await().atMost(PATIENCE).until(() -> r1.zab.size() == 1);
        assertThat(t1.connectedPeers()).containsExactly(2);
    }

    @Test
    void aJoinerIsDialledBackAndARemovedPeerIsNoLongerDialled() throws Exception {
        Map<Integer, InetSocketAddress> addresses = TestPeer.freeAddresses(3);
        Map<Integer, InetSocketAddress> members = Map.of(1, addresses.get(1), 2, addresses.get(2));
        Recorder r1 = new Recorder();
        Recorder r3 = new Recorder();
        QuorumTransport t1 = transport(1, members, r1);
        // Server 3 is in no configuration server 1 knows; its own lists everyone (a server being added by reconfig).
        QuorumTransport t3 = transport(3, addresses, r3);
        await().atMost(PATIENCE).until(() -> t1.isConnected(3));
        t1.send(3, new Message.Ping(7));
        t1.flush();
        await().atMost(PATIENCE).until(() -> r3.zab.size() == 1);
        assertThat(r3.zab.get(0)).isEqualTo(new Received(1, new Message.Ping(7)));
        // A committed configuration without server 3: server 1 stops dialling it.
        t1.updatePeers(members);
        await().atMost(PATIENCE).until(() -> !t1.isConnected(3));
        assertThat(t1.send(3, new Message.Ping(8))).isFalse();
        // One that lists it again, at its address: dialled again.
        t1.updatePeers(addresses);
        await().atMost(PATIENCE).until(() -> t1.isConnected(3));
        assertThat(t3.connectedPeers()).contains(1);
    }

    @Test
    void quorumAddressesComeFromServerLines() {
        Map<Integer, InetSocketAddress> a = PeerAddresses.quorumAddresses(Map.of(
                1, "127.0.0.1:2888:3888",
                2, "localhost:2889:3889:participant;2182",
                3, "[::1]:2890:3890"));
        assertThat(a.get(1)).isEqualTo(new InetSocketAddress("127.0.0.1", 2888));
        assertThat(a.get(2).getPort()).isEqualTo(2889);
        assertThat(a.get(3).getPort()).isEqualTo(2890);
        assertThatThrownBy(() -> PeerAddresses.quorumAddresses(Map.of(4, "host:2888")))
                .hasMessageContaining("server.4");
        assertThatThrownBy(() -> PeerAddresses.quorumAddresses(Map.of(5, "host:x:3888")))
                .hasMessageContaining("server.5");
    }
}
