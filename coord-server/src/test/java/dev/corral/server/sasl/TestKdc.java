package dev.corral.server.sasl;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;

/** A Kerberos KDC for the GSSAPI tests: Apache Kerby's SimpleKdcServer on a free TCP port, realm EXAMPLE.COM. */
final class TestKdc implements AutoCloseable {
    static final String REALM = "EXAMPLE.COM";

    private final SimpleKdcServer kdc;
    private final Path work;
    private final int port;

    private TestKdc(SimpleKdcServer kdc, Path work, int port) {
        this.kdc = kdc;
        this.work = work;
        this.port = port;
    }

    static TestKdc start(Path work) throws Exception {
        Files.createDirectories(work);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SimpleKdcServer kdc = new SimpleKdcServer();
        kdc.setWorkDir(work.toFile());
        kdc.setKdcHost("localhost");
        kdc.setKdcRealm(REALM);
        kdc.setAllowUdp(false);
        kdc.setKdcTcpPort(port);
        kdc.init();
        kdc.start();
        return new TestKdc(kdc, work, port);
    }

    /** Creates the principals (with the realm) and writes their keys to {@code name} in the work directory. */
    File keytab(String name, String... principals) throws Exception {
        File file = work.resolve(name).toFile();
        kdc.createAndExportPrincipals(file, principals);
        return file;
    }

    /** The krb5.conf Kerby wrote (for the JDK). */
    Path krb5Conf() {
        return work.resolve("krb5.conf");
    }

    int port() {
        return port;
    }

    /** A JAAS login from {@code keytab} as {@code principal}. */
    static String keytabLogin(File keytab, String principal, boolean initiator) {
        return "  com.sun.security.auth.module.Krb5LoginModule required\n  useKeyTab=true\n  keyTab=\""
                + keytab.getAbsolutePath() + "\"\n  storeKey=true\n  useTicketCache=false\n  refreshKrb5Config=true\n"
                + "  isInitiator=" + initiator + "\n  principal=\"" + principal + "\";\n};\n";
    }

    /** ZooKeeper's KerberosName takes the default realm once per JVM, when first loaded; give it this KDC's. */
    static void setZooKeeperDefaultRealm() throws ReflectiveOperationException {
        java.lang.reflect.Field realm = org.apache.zookeeper.server.auth.KerberosName.class
                .getDeclaredField("defaultRealm");
        realm.setAccessible(true);
        realm.set(null, REALM);
    }

    @Override
    public void close() throws Exception {
        kdc.stop();
    }
}
