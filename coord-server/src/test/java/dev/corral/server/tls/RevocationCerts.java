package dev.corral.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for the revocation tests, made with the {@code openssl} command (its {@code ca} tool keeps the
 * revocation list): a CA, a server certificate for 127.0.0.1, and two client certificates, {@code good} and
 * {@code revoked}, both naming {@code file://<dir>/ca.crl} as their CRL distribution point; {@code revoked} is in
 * that CRL. Stores are PEM files (key and chain in one file, as ZooKeeper's PemReader reads them), which avoids
 * the JDK-only trust attribute that a PKCS12 trust store made by openssl 3.0 lacks.
 */
public final class RevocationCerts {
    public static final String GOOD = "CN=good,OU=clients,O=Corral";
    public static final String REVOKED = "CN=revoked,OU=clients,O=Corral";

    private final Path dir;

    private RevocationCerts(Path dir) {
        this.dir = dir;
    }

    /** A file made here: {@code ca.pem} (the trust store), {@code server.pem}, {@code good.pem}, {@code revoked.pem},
     * {@code ca.crl} (DER). */
    public String path(String name) {
        return dir.resolve(name).toString();
    }

    public static RevocationCerts create(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("issued"));
        RevocationCerts c = new RevocationCerts(dir);
        Files.writeString(dir.resolve("index.txt"), "");
        Files.writeString(dir.resolve("serial"), "1000\n");
        Files.writeString(dir.resolve("crlnumber"), "01\n");
        Files.writeString(dir.resolve("openssl.cnf"), c.config());
        c.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", c.path("ca.key"), "-out", c.path("ca.pem"), "-days", "30",
                "-subj", "/O=Corral/CN=Corral Revocation CA", "-extensions", "ca_ext");
        c.leaf("server", "/O=Corral/CN=localhost", "server_ext");
        c.leaf("good", "/O=Corral/OU=clients/CN=good", "client_ext");
        c.leaf("revoked", "/O=Corral/OU=clients/CN=revoked", "client_ext");
        c.openssl("ca", "-batch", "-revoke", c.path("revoked.crt"), "-crl_reason", "keyCompromise");
        c.openssl("ca", "-batch", "-gencrl", "-out", c.path("ca-crl.pem"));
        c.openssl("crl", "-in", c.path("ca-crl.pem"), "-outform", "DER", "-out", c.path("ca.crl"));
        return c;
    }

    /** A key, a request and a certificate signed by the CA with {@code extensions}, then key and chain as one PEM. */
    private void leaf(String name, String subject, String extensions) throws Exception {
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", path(name + ".key"), "-out", path(name + ".csr"), "-subj", subject);
        openssl("ca", "-batch", "-notext", "-in", path(name + ".csr"), "-out", path(name + ".crt"),
                "-extensions", extensions);
        Files.writeString(dir.resolve(name + ".pem"), Files.readString(dir.resolve(name + ".key"))
                + Files.readString(dir.resolve(name + ".crt")) + Files.readString(dir.resolve("ca.pem")));
    }

    private String config() {
        String crlDp = "crlDistributionPoints = URI:" + dir.resolve("ca.crl").toUri() + "\n";
        return """
                [ ca ]
                default_ca = corral_ca
                [ corral_ca ]
                dir = %s
                database = $dir/index.txt
                new_certs_dir = $dir/issued
                certificate = $dir/ca.pem
                private_key = $dir/ca.key
                serial = $dir/serial
                crlnumber = $dir/crlnumber
                default_md = sha256
                default_days = 30
                default_crl_days = 30
                policy = any_name
                unique_subject = no
                preserve = yes
                [ any_name ]
                organizationName = optional
                organizationalUnitName = optional
                commonName = supplied
                [ req ]
                distinguished_name = req_dn
                prompt = no
                [ req_dn ]
                CN = unused
                [ ca_ext ]
                basicConstraints = critical, CA:TRUE
                keyUsage = critical, keyCertSign, cRLSign
                subjectKeyIdentifier = hash
                [ server_ext ]
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature, keyAgreement
                extendedKeyUsage = serverAuth, clientAuth
                subjectAltName = IP:127.0.0.1, DNS:localhost
                authorityKeyIdentifier = keyid
                %s
                [ client_ext ]
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature, keyAgreement
                extendedKeyUsage = clientAuth
                authorityKeyIdentifier = keyid
                %s
                """.formatted(dir, crlDp, crlDp);
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        if (args[0].equals("ca") || args[0].equals("req")) {
            cmd.addAll(List.of("-config", path("openssl.cnf")));
        }
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + output);
        }
    }
}
