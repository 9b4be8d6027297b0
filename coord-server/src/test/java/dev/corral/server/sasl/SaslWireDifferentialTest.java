package dev.corral.server.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opcode 102 and enforced authentication on the wire, against ZooKeeper 3.9.5 and Corral: the reply header (xid,
 * zxid, error), the SetSASLResponse body, and whether the connection closes, for a SASL exchange that fails, a
 * server without a JAAS section, and requests before authentication when it is enforced.
 */
class SaslWireDifferentialTest {
    private static final int SASL = 102;
    private static final int GET_DATA = 4;
    private static final int PING = 11;
    private static final int AUTH = 100;
    private static final byte[] GARBAGE = "not a digest response".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;

    @BeforeAll
    static void jaas() throws Exception {
        SaslTargets.useJaas(dir, SaslDigestDifferentialTest.JAAS);
    }

    @AfterAll
    static void clear() {
        SaslTargets.clearJaas();
    }

    @Test
    void aFailedExchangeIsAuthFailedThenClose() throws Exception {
        Map<String, String> seen = SaslDigestDifferentialTest.compare(dir, "wireFail",
                SaslDigestDifferentialTest.secured(), (target, out) -> {
                    try (WireClient c = new WireClient(target.address())) {
                        c.handshake(0, null);
                        c.request(7, SASL, new GetSASLRequest(new byte[0]));
                        out.put("challenge", c.next(true));
                        c.request(8, SASL, new GetSASLRequest(GARBAGE));
                        out.put("failure", c.next(false));
                        out.put("after", c.next(false));
                    }
                });
        assertThat(seen).containsEntry("failure", "xid=8 zxid=0 err=-115 body=ffffffff")
                .containsEntry("after", "closed");
    }

    @Test
    void withoutAServerSectionSaslIsAnsweredOkWithNoToken() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>(SaslDigestDifferentialTest.secured());
        keys.put("sasl.serverconfig", "NoSuchSection");
        Map<String, String> seen = SaslDigestDifferentialTest.compare(dir, "wireNoSection", keys, (target, out) -> {
            try (WireClient c = new WireClient(target.address())) {
                c.handshake(0, null);
                c.request(3, SASL, new GetSASLRequest(new byte[0]));
                out.put("sasl", c.next(false));
                c.request(-2, PING, null);
                out.put("ping", c.next(false));
            }
        });
        assertThat(seen).containsEntry("sasl", "xid=3 zxid=0 err=0 body=ffffffff");
    }

    @Test
    void enforcedSaslRefusesOtherRequestsWith124AndCloses() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>(SaslDigestDifferentialTest.secured());
        keys.put("enforce.auth.enabled", "true");
        keys.put("enforce.auth.schemes", "sasl");
        Map<String, String> seen = SaslDigestDifferentialTest.compare(dir, "wireEnforced", keys, (target, out) -> {
            long session;
            byte[] password;
            try (WireClient c = new WireClient(target.address())) {
                session = c.handshake(0, null);
                password = c.password;
                c.request(5, GET_DATA, new GetDataRequest("/", false));
                out.put("getData", c.next(false));
                out.put("afterGetData", c.next(false));
            }
            try (WireClient c = new WireClient(target.address())) {
                // The refused connection left its session open: it may be resumed (and expires on its timeout).
                out.put("resumed", String.valueOf(c.handshake(session, password) == session));
                c.request(-2, PING, null);
                out.put("ping", c.next(false));
                out.put("afterPing", c.next(false));
            }
            try (WireClient c = new WireClient(target.address())) {
                c.handshake(0, null);
                // A digest auth is served, but is not the enforced scheme.
                c.request(-4, AUTH, new AuthPacket(0, "digest", "u:p".getBytes(StandardCharsets.UTF_8)));
                out.put("auth", c.next(false));
                c.request(9, GET_DATA, new GetDataRequest("/", false));
                out.put("getDataAfterDigest", c.next(false));
            }
            try (WireClient c = new WireClient(target.address())) {
                c.handshake(0, null);
                c.request(1, SASL, new GetSASLRequest(new byte[0]));
                out.put("challenge", c.next(true));
                c.request(2, SASL, new GetSASLRequest(GARBAGE));
                out.put("failure", c.next(false));
                out.put("afterFailure", c.next(false));
            }
        });
        assertThat(seen).containsEntry("getData", "xid=5 zxid=0 err=-124 body=")
                .containsEntry("afterGetData", "closed").containsEntry("failure", "xid=2 zxid=0 err=-124 body=ffffffff")
                .containsEntry("resumed", "true");
    }

    @Test
    void enforcedDigestAdmitsADigestConnection() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("enforce.auth.enabled", "true");
        keys.put("enforce.auth.schemes", "digest");
        Map<String, String> seen = SaslDigestDifferentialTest.compare(dir, "wireDigest", keys, (target, out) -> {
            try (WireClient c = new WireClient(target.address())) {
                c.handshake(0, null);
                c.request(-4, AUTH, new AuthPacket(0, "digest", "u:p".getBytes(StandardCharsets.UTF_8)));
                out.put("auth", c.next(false));
                c.request(9, GET_DATA, new GetDataRequest("/zookeeper", false));
                out.put("getData", c.next(true));
            }
        });
        assertThat(seen.get("getData")).startsWith("xid=9").contains("err=0");
    }
}
