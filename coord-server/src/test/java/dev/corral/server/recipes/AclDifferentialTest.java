package dev.corral.server.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.clients.ChildProcess;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.it.Servers;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACL enforcement, ZooKeeper vs Corral: for each permission bit, a node whose ACL grants everything but that bit,
 * and every operation attempted on it, by the world and by a digest identity; the super digest; AUTHFAILED on an
 * unknown auth scheme.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AclDifferentialTest {
    private static final Map<String, Integer> BITS = new LinkedHashMap<>();

    static {
        BITS.put("READ", Perms.READ);
        BITS.put("WRITE", Perms.WRITE);
        BITS.put("CREATE", Perms.CREATE);
        BITS.put("DELETE", Perms.DELETE);
        BITS.put("ADMIN", Perms.ADMIN);
    }

    /** The operations, and the bit each one needs in ZooKeeper (null: compared only). */
    private static final Map<String, String> OPS = new LinkedHashMap<>();

    static {
        OPS.put("getData", "READ");
        OPS.put("getChildren", "READ");
        OPS.put("getChildren2", "READ");
        OPS.put("exists", "READ");
        OPS.put("getAllChildrenNumber", "READ");
        OPS.put("multiRead.getData", "READ");
        OPS.put("addWatch", null); // ZooKeeper 3.9 checks no ACL on addWatch (events then leak paths)
        OPS.put("setData", "WRITE");
        OPS.put("multi.setData", "WRITE");
        OPS.put("multi.check", "READ");
        OPS.put("create", "CREATE");
        OPS.put("multi.create", "CREATE");
        OPS.put("delete", "DELETE");
        OPS.put("multi.delete", "DELETE");
        OPS.put("setACL", "ADMIN");
        OPS.put("getACL", null);
        OPS.put("sync", null);
    }

    private static final String ALICE = "alice:secret";

    @TempDir
    Path dir;

    @Test
    void everyPermissionBitIsEnforcedAsInZooKeeper() throws Exception {
        Map<String, String> reference;
        try (Servers.Target zk = Servers.zookeeper(dir.resolve("zk"))) {
            reference = permissionMatrix(zk.connectString());
        }
        Map<String, String> corral;
        try (Servers.Target c = Servers.corral(dir.resolve("corral"))) {
            corral = permissionMatrix(c.connectString());
        }
        reference.forEach((k, v) -> System.out.println("zookeeper " + k + " -> " + v));
        assertThat(corral).as("outcomes on Corral vs ZooKeeper").isEqualTo(reference);

        // And they are what the ZooKeeper documentation says: an op fails with NOAUTH exactly when it needs the
        // missing bit.
        for (String who : List.of("world", "digest")) {
            for (String bit : BITS.keySet()) {
                for (Map.Entry<String, String> op : OPS.entrySet()) {
                    if (op.getValue() == null) {
                        continue;
                    }
                    String key = who + " no-" + bit + " " + op.getKey();
                    // multiRead answers per op: the denied read is an error result, not a failed request.
                    String denied = op.getKey().startsWith("multiRead") ? "multiRead:NOAUTH" : "NOAUTH";
                    String expected = op.getValue().equals(bit) ? denied : "OK";
                    assertThat(reference.get(key)).as(key).isEqualTo(expected);
                }
            }
        }
        // A digest identity that is not on the ACL gets nothing that needs a permission.
        assertThat(reference).containsEntry("stranger getData", "NOAUTH").containsEntry("stranger setData", "NOAUTH")
                .containsEntry("stranger create", "NOAUTH").containsEntry("stranger delete", "NOAUTH")
                .containsEntry("stranger setACL", "NOAUTH");
    }

    private static ZooKeeper connect(String cs, String digest) throws Exception {
        ZooKeeper zk = Servers.connect(cs, 10_000, null);
        if (digest != null) {
            zk.addAuthInfo("digest", digest.getBytes(StandardCharsets.UTF_8));
            zk.sync("/"); // answered after the auth packet
        }
        return zk;
    }

    /** A mutable list: the stock client's validateACL calls contains(null), which List.of rejects. */
    private static List<ACL> acls(ACL... entries) {
        return new ArrayList<>(java.util.Arrays.asList(entries));
    }

    private static List<ACL> allBut(int bit, Id id) {
        return acls(new ACL(Perms.ALL & ~bit, id));
    }

    /** The outcome of every op on a node missing each bit, for the world and for a digest identity. */
    private static Map<String, String> permissionMatrix(String cs) throws Exception {
        Map<String, String> result = new LinkedHashMap<>();
        ZooKeeper setup = connect(cs, ALICE);
        ZooKeeper anon = connect(cs, null);
        ZooKeeper alice = connect(cs, ALICE);
        ZooKeeper stranger = connect(cs, "bob:pw");
        try {
            setup.create("/m", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Id world = ZooDefs.Ids.ANYONE_ID_UNSAFE;
            Id aliceId = new Id("digest", DigestAuthenticationProvider.generateDigest(ALICE));
            int n = 0;
            for (String who : List.of("world", "digest")) {
                ZooKeeper client = who.equals("world") ? anon : alice;
                Id id = who.equals("world") ? world : aliceId;
                for (Map.Entry<String, Integer> bit : BITS.entrySet()) {
                    for (String op : OPS.keySet()) {
                        String node = "/m/n" + (n++);
                        prepare(setup, node, allBut(bit.getValue(), id));
                        result.put(who + " no-" + bit.getKey() + " " + op, attempt(client, op, node, id));
                    }
                }
            }
            // A digest identity not on the ACL.
            for (String op : List.of("getData", "setData", "create", "delete", "setACL", "getACL", "exists")) {
                String node = "/m/n" + (n++);
                prepare(setup, node, acls(new ACL(Perms.ALL, aliceId)));
                result.put("stranger " + op, attempt(stranger, op, node, aliceId));
            }
        } finally {
            for (ZooKeeper z : List.of(setup, anon, alice, stranger)) {
                z.close();
            }
        }
        return result;
    }

    /** node with data and a child "c", then its final ACL (set last: the ACL may deny CREATE or ADMIN). */
    private static void prepare(ZooKeeper setup, String node, List<ACL> acl) throws Exception {
        setup.create(node, "data".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        setup.create(node + "/c", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        setup.setACL(node, acl, -1);
    }

    private static String attempt(ZooKeeper zk, String op, String node, Id id) throws InterruptedException {
        try {
            switch (op) {
                case "getData" -> zk.getData(node, false, new Stat());
                case "getChildren" -> zk.getChildren(node, false);
                case "getChildren2" -> zk.getChildren(node, false, new Stat());
                case "exists" -> zk.exists(node, false);
                case "getAllChildrenNumber" -> zk.getAllChildrenNumber(node);
                case "multiRead.getData" -> {
                    var r = zk.multi(List.of(Op.getData(node)));
                    if (r.get(0) instanceof org.apache.zookeeper.OpResult.ErrorResult e) {
                        return "multiRead:" + KeeperException.Code.get(e.getErr());
                    }
                }
                case "addWatch" -> zk.addWatch(node, event -> { }, AddWatchMode.PERSISTENT_RECURSIVE);
                case "setData" -> zk.setData(node, "new".getBytes(StandardCharsets.UTF_8), -1);
                case "multi.setData" -> zk.multi(List.of(Op.setData(node, new byte[1], -1)));
                case "multi.check" -> zk.multi(List.of(Op.check(node, 0)));
                case "create" -> zk.create(node + "/new", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                case "multi.create" -> zk.multi(List.of(Op.create(node + "/new", new byte[0],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
                case "delete" -> zk.delete(node + "/c", -1);
                case "multi.delete" -> zk.multi(List.of(Op.delete(node + "/c", -1)));
                case "setACL" -> zk.setACL(node, acls(new ACL(Perms.ALL, id)), -1);
                case "getACL" -> {
                    List<ACL> acl = zk.getACL(node, new Stat());
                    return "OK " + acl;
                }
                case "sync" -> {
                    CountDownLatch done = new CountDownLatch(1);
                    int[] rc = new int[1];
                    zk.sync(node, (code, path, ctx) -> {
                        rc[0] = code;
                        done.countDown();
                    }, null);
                    done.await(10, TimeUnit.SECONDS);
                    return rc[0] == 0 ? "OK" : KeeperException.Code.get(rc[0]).name();
                }
                default -> throw new IllegalArgumentException(op);
            }
            return "OK";
        } catch (KeeperException e) {
            return e.code().name();
        }
    }

    // ---------------------------------------------------------------- ACL ids sent as null strings

    @Test
    void aclEntryWithNullIdOnZooKeeper() throws Exception {
        try (Servers.Target zk = Servers.zookeeper(dir)) {
            assertThat(nullIdAcl(zk.connectString())).containsExactly("create OK",
                    "acl [digest:" + DigestAuthenticationProvider.generateDigest(ALICE) + "/31]", "setACL OK",
                    "world null id MARSHALLINGERROR", "server alive OK");
        }
    }

    @Test
    void aclEntryWithNullIdOnCorral() throws Exception {
        try (Servers.Target c = Servers.corral(dir)) {
            assertThat(nullIdAcl(c.connectString())).containsExactly("create OK",
                    "acl [digest:" + DigestAuthenticationProvider.generateDigest(ALICE) + "/31]", "setACL OK",
                    "world null id MARSHALLINGERROR", "server alive OK");
        }
    }

    private static List<String> nullIdAcl(String cs) throws Exception {
        List<String> r = new ArrayList<>();
        ZooKeeper alice = connect(cs, ALICE);
        try {
            List<ACL> auth = acls(new ACL(Perms.ALL, new Id("auth", null)));
            r.add("create " + outcome(() -> alice.create("/nullid", new byte[0], auth, CreateMode.PERSISTENT)));
            List<String> acl = new ArrayList<>();
            for (ACL a : alice.getACL("/nullid", new Stat())) {
                acl.add(a.getId().getScheme() + ":" + a.getId().getId() + "/" + a.getPerms());
            }
            r.add("acl " + acl);
            r.add("setACL " + outcome(() -> alice.setACL("/nullid", auth, -1)));
            // ZooKeeper's answer to ("world", null): its request pipeline catches the failure as MARSHALLINGERROR.
            r.add("world null id " + outcome(() -> alice.create("/nullid2", new byte[0],
                    acls(new ACL(Perms.ALL, new Id("world", null))), CreateMode.PERSISTENT)));
        } finally {
            alice.close();
        }
        ZooKeeper probe = connect(cs, null);
        try {
            r.add("server alive " + outcome(() -> probe.exists("/", false)));
        } finally {
            probe.close();
        }
        return r;
    }

    // ---------------------------------------------------------------- super digest

    @Test
    void superDigestUserReadsAndWritesANodeThatDeniesEveryone() throws Exception {
        String superDigest = DigestAuthenticationProvider.generateDigest("super:secret");
        Map<String, String> reference;
        try (ChildProcess zk = ChildProcess.start(ChildProcess.java(RefZooKeeperMain.class.getName(),
                List.of("-Dzookeeper.DigestAuthenticationProvider.superDigest=" + superDigest)), null)) {
            zk.awaitOutput(0, "CONNECT ", Duration.ofSeconds(60));
            String out = zk.output();
            String cs = out.substring(out.indexOf("CONNECT ") + 8).lines().findFirst().orElseThrow().trim();
            reference = superSession(cs);
        }
        Map<String, String> corral;
        try (Servers.Target c = Servers.corral(dir, cfg -> cfg.withSuperDigest(superDigest))) {
            corral = superSession(c.connectString());
        }
        reference.forEach((k, v) -> System.out.println("zookeeper " + k + " -> " + v));
        assertThat(corral).as("super digest outcomes on Corral vs ZooKeeper").isEqualTo(reference);
        // What super may do, and that it is the digest that grants it.
        for (String op : List.of("getData", "getChildren", "setData", "create", "delete", "setACL")) {
            assertThat(reference).containsEntry("super " + op, "OK");
            assertThat(reference).containsEntry("anon " + op, "NOAUTH");
            assertThat(reference).containsEntry("wrong-password " + op, "NOAUTH");
        }
        assertThat(reference.get("super getData-value")).isEqualTo("written-by-super");
    }

    private static Map<String, String> superSession(String cs) throws Exception {
        Map<String, String> r = new LinkedHashMap<>();
        ZooKeeper owner = connect(cs, null);
        ZooKeeper anon = connect(cs, null);
        ZooKeeper wrong = connect(cs, "super:wrong");
        ZooKeeper sup = connect(cs, "super:secret");
        try {
            List<ACL> nobody = acls(new ACL(Perms.ALL,
                    new Id("digest", DigestAuthenticationProvider.generateDigest("nobody:none"))));
            for (String who : List.of("anon", "wrong-password", "super")) {
                String node = "/locked-" + who;
                owner.create(node, "data".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                owner.create(node + "/c", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                owner.setACL(node, nobody, -1);
                r.put("owner-after-acl getData " + who, outcome(() -> owner.getData(node, false, null)));
                ZooKeeper zk = switch (who) {
                    case "anon" -> anon;
                    case "wrong-password" -> wrong;
                    default -> sup;
                };
                r.put(who + " getData", outcome(() -> zk.getData(node, false, null)));
                r.put(who + " getChildren", outcome(() -> zk.getChildren(node, false)));
                r.put(who + " setData", outcome(() -> zk.setData(node,
                        "written-by-super".getBytes(StandardCharsets.UTF_8), -1)));
                r.put(who + " create", outcome(() -> zk.create(node + "/new", new byte[0],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
                r.put(who + " delete", outcome(() -> {
                    zk.delete(node + "/c", -1);
                    return null;
                }));
                r.put(who + " getACL", outcome(() -> zk.getACL(node, new Stat()).toString()));
                r.put(who + " setACL", outcome(() -> zk.setACL(node, nobody, -1)));
                if (who.equals("super")) {
                    r.put("super getData-value", new String(sup.getData(node, false, null), StandardCharsets.UTF_8));
                    r.put("super getChildren-value", sup.getChildren(node, false).toString());
                }
            }
        } finally {
            for (ZooKeeper z : List.of(owner, anon, wrong, sup)) {
                z.close();
            }
        }
        return r;
    }

    private interface Call {
        Object call() throws Exception;
    }

    private static String outcome(Call c) throws InterruptedException {
        try {
            Object v = c.call();
            return v instanceof String s && s.startsWith("[") ? "OK " + s : "OK";
        } catch (KeeperException e) {
            return e.code().name();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return e.toString();
        }
    }

    // ---------------------------------------------------------------- unknown auth scheme

    @Test
    void unknownAuthSchemeFailsAuthAndEndsTheConnection() throws Exception {
        List<String> reference;
        try (Servers.Target zk = Servers.zookeeper(dir.resolve("zk"))) {
            reference = unknownScheme(zk.connectString());
        }
        List<String> corral;
        try (Servers.Target c = Servers.corral(dir.resolve("corral"))) {
            corral = unknownScheme(c.connectString());
        }
        System.out.println("zookeeper: " + reference);
        assertThat(corral).isEqualTo(reference);
        assertThat(reference).containsExactly("raw reply err=" + KeeperException.Code.AUTHFAILED.intValue(),
                "raw connection closed", "client state AuthFailed", "client op AUTHFAILED",
                "client getState AUTH_FAILED", "other session unaffected OK");
    }

    private static List<String> unknownScheme(String cs) throws Exception {
        List<String> r = new ArrayList<>();
        String[] hp = cs.split(":");
        // On the wire: the AUTHFAILED reply (xid -4), then the server closes the connection.
        try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            send(out, null, new ConnectRequest(0, 0, 10_000, 0, new byte[16], false));
            read(in, new ConnectResponse());
            send(out, new org.apache.zookeeper.proto.RequestHeader(-4, ZooDefs.OpCode.auth),
                    new AuthPacket(0, "nosuchscheme", "x".getBytes(StandardCharsets.UTF_8)));
            ReplyHeader h = new ReplyHeader();
            BinaryInputArchive reply = frame(in);
            h.deserialize(reply, "header");
            r.add("raw reply err=" + h.getErr());
            r.add(closed(s.getInputStream()) ? "raw connection closed" : "raw connection still open");
        }
        // With the stock client: an AuthFailed event, and the handle is dead.
        CountDownLatch failed = new CountDownLatch(1);
        ZooKeeper zk = Servers.connect(cs, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.AuthFailed) {
                failed.countDown();
            }
        });
        ZooKeeper other = Servers.connect(cs, 10_000, null);
        try {
            zk.addAuthInfo("nosuchscheme", "x".getBytes(StandardCharsets.UTF_8));
            r.add(failed.await(10, TimeUnit.SECONDS) ? "client state AuthFailed" : "no AuthFailed event");
            r.add("client op " + outcome(() -> zk.getData("/", false, null)));
            r.add("client getState " + zk.getState());
            r.add("other session unaffected " + outcome(() -> other.getData("/", false, null)));
        } finally {
            zk.close();
            other.close();
        }
        return r;
    }

    private static void send(OutputStream out, Record header, Record body) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(bytes);
        if (header != null) {
            header.serialize(a, "header");
        }
        body.serialize(a, "body");
        byte[] b = bytes.toByteArray();
        java.io.DataOutputStream d = new java.io.DataOutputStream(out);
        d.writeInt(b.length);
        d.write(b);
        d.flush();
    }

    private static BinaryInputArchive frame(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return BinaryInputArchive.getArchive(new java.io.ByteArrayInputStream(b));
    }

    private static void read(DataInputStream in, Record r) throws IOException {
        r.deserialize(frame(in), "body");
    }

    private static boolean closed(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        } catch (RuntimeException e) {
            throw e;
        }
    }

}
