package dev.corral.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.CorralServer;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.net.RequestThrottle;
import dev.corral.server.wire.OpCode;
import java.io.DataInputStream;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backpressure (issue 16: "the leader's proposal queue is bounded ... like ZooKeeper's globalOutstandingLimit"):
 * clients that send faster than the server answers meet a full socket, not a growing queue in the server's heap.
 */
class BackpressureTest {

    @TempDir
    Path dir;

    private static byte[] handshake(RawClient c) throws Exception {
        c.sendFrame(RawClient.connectBody(0, new byte[16], 30_000, true));
        return c.readFrame();
    }

    private static int xidOf(byte[] reply) throws Exception {
        return new DataInputStream(new ByteArrayInputStream(reply)).readInt();
    }

    private static int errOf(byte[] reply) throws Exception {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(reply));
        in.readInt();
        in.readLong();
        return in.readInt();
    }

    /**
     * ZooKeeper's rule, with a limit of 8: however many requests four pipelining clients send, the server has at
     * most the limit plus one per connection read and unanswered at any moment, and every request is answered in
     * order. Without the limit the same run has hundreds in flight.
     */
    @Test
    void requestsInFlightStayWithinGlobalOutstandingLimit() throws Exception {
        int limit = 8;
        int clients = 4;
        int perClient = 400;
        try (CorralServer server = CorralServer.start(
                ServerConfig.standalone("127.0.0.1", 0, dir).withGlobalOutstandingLimit(limit))) {
            String cs = "127.0.0.1:" + server.port();
            long nodesBefore = server.processor().stats().get().nodeCount();
            List<CompletableFuture<List<Integer>>> runs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try (RawClient raw = new RawClient(cs)) {
                        handshake(raw);
                        // One write with every request: the server sees them all at once, as from a fast client.
                        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                        java.io.DataOutputStream d = new java.io.DataOutputStream(all);
                        for (int i = 1; i <= perClient; i++) {
                            byte[] body = RawClient.request(i, OpCode.CREATE, new CreateRequest(
                                    "/c" + client + "-" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0));
                            d.writeInt(body.length);
                            d.write(body);
                        }
                        raw.sendRaw(all.toByteArray());
                        List<Integer> errs = new ArrayList<>();
                        for (int i = 1; i <= perClient; i++) {
                            byte[] reply = raw.readFrame();
                            assertThat(xidOf(reply)).as("replies in request order").isEqualTo(i);
                            errs.add(errOf(reply));
                        }
                        return errs;
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            for (CompletableFuture<List<Integer>> run : runs) {
                assertThat(run.get()).hasSize(perClient).containsOnly(0);
            }
            RequestThrottle throttle = server.throttle();
            assertThat(throttle.limit()).isEqualTo(limit);
            assertThat(throttle.mostInFlight()).as("requests read and not yet answered, at most")
                    .isBetween(limit, limit + clients);
            assertThat(throttle.inFlight()).isZero();
            assertThat(server.processor().stats().get().nodeCount()).isEqualTo(nodesBefore + clients * perClient);
        }
    }

    /**
     * A client that keeps sending and never reads: the server stops reading its requests once the replies it has not
     * taken fill the socket and Netty's outbound buffer, instead of answering all of them into its own heap (400
     * replies of 500 KB here: 200 MB). When the client reads again, every reply arrives, in order. (Requests the
     * server had already read when the buffer filled are still answered: globalOutstandingLimit bounds those.)
     */
    @Test
    void aClientThatDoesNotReadStopsBeingServedUntilItReads() throws Exception {
        try (CorralServer server = CorralServer.start(ServerConfig.standalone("127.0.0.1", 0, dir))) {
            String cs = "127.0.0.1:" + server.port();
            try (ZooKeeper zk = Servers.connect(cs, 30_000, e -> { })) {
                zk.create("/big", new byte[500_000], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            int requests = 400;
            try (RawClient raw = new RawClient(cs)) {
                handshake(raw);
                long before = server.processor().stats().get().sent();
                for (int i = 1; i <= requests; i++) {
                    raw.sendFrame(RawClient.request(i, OpCode.GET_DATA, new GetDataRequest("/big", false)));
                    Thread.sleep(1);
                }
                long answered = -1;
                for (int stable = 0; stable < 5; ) {        // until nothing more is answered for a second
                    Thread.sleep(200);
                    long now = server.processor().stats().get().sent() - before;
                    stable = now == answered ? stable + 1 : 0;
                    answered = now;
                }
                assertThat(answered).as("replies the server produced while the client did not read")
                        .isLessThan(requests / 4);
                raw.soTimeout(30_000);
                for (int i = 1; i <= requests; i++) {
                    byte[] reply = raw.readFrame();
                    assertThat(xidOf(reply)).isEqualTo(i);
                    assertThat(errOf(reply)).isZero();
                    assertThat(reply.length).isGreaterThan(500_000);
                }
            }
        }
    }
}
