package dev.corral.server.config;

import dev.corral.server.config.ClientTlsConfig.Store;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Loads key and trust stores into the JDK's key and trust managers, the way ZooKeeper's X509Util does (JKS,
 * PKCS12, BCFKS where a provider offers it, and PEM files as its PemReader reads them). Every failure is a
 * {@link ConfigException} that names the keys to fix.
 */
public final class KeyMaterial {
    private static final Pattern CERT = Pattern.compile(
            "-+BEGIN\\s+.*CERTIFICATE[^-]*-+(?:\\s|\\r|\\n)+([a-z0-9+/=\\r\\n]+)-+END\\s+.*CERTIFICATE[^-]*-+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-+BEGIN\\s+.*PRIVATE\\s+KEY[^-]*-+(?:\\s|\\r|\\n)+([a-z0-9+/=\\r\\n]+)-+END\\s+.*PRIVATE\\s+KEY[^-]*-+",
            Pattern.CASE_INSENSITIVE);

    private KeyMaterial() {
    }

    /** The server's key manager ({@code ssl.keyStore.*}). */
    public static X509KeyManager keyManager(Store store) throws ConfigException {
        KeyStore ks = load(store, true);
        try {
            if (Collections.list(ks.aliases()).stream().noneMatch(a -> isKey(ks, a))) {
                throw new ConfigException(store.keyPrefix() + ".location '" + store.location()
                        + "' holds no private key: the server cannot prove who it is");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, store.password().toCharArray());
            for (KeyManager km : kmf.getKeyManagers()) {
                if (km instanceof X509KeyManager x) {
                    return x;
                }
            }
            throw new ConfigException("no X509 key manager for " + store);
        } catch (UnrecoverableKeyException e) {
            throw new ConfigException("cannot read the private key in " + store.keyPrefix() + ".location '"
                    + store.location() + "': wrong " + store.keyPrefix() + ".password (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot use " + store + ": " + e);
        }
    }

    /**
     * The trust manager for client certificates ({@code ssl.trustStore.*}): PKIX, with revocation checked only when
     * {@code ssl.crl} or {@code ssl.ocsp} asks for it, as X509Util.createTrustManager sets it up.
     */
    public static X509TrustManager trustManager(Store store, boolean crl, boolean ocsp) throws ConfigException {
        KeyStore ts = load(store, false);
        try {
            PKIXBuilderParameters params = new PKIXBuilderParameters(ts, new X509CertSelector());
            if (crl || ocsp) {
                Set<PKIXRevocationChecker.Option> options = EnumSet.noneOf(PKIXRevocationChecker.Option.class);
                if (!ocsp) {
                    // CRLs only: never fall back to OCSP.
                    options.add(PKIXRevocationChecker.Option.NO_FALLBACK);
                    options.add(PKIXRevocationChecker.Option.PREFER_CRLS);
                }
                if (Boolean.parseBoolean(Security.getProperty("com.sun.security.onlyCheckRevocationOfEECert"))) {
                    options.add(PKIXRevocationChecker.Option.ONLY_END_ENTITY);
                }
                PKIXRevocationChecker checker =
                        (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX").getRevocationChecker();
                checker.setOptions(options);
                params.addCertPathChecker(checker);
            } else {
                params.setRevocationEnabled(false);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(new CertPathTrustManagerParameters(params));
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new ConfigException("no X509 trust manager for " + store);
        } catch (GeneralSecurityException e) {
            // Typically an empty trust store: "the trustAnchors parameter must be non-empty".
            throw new ConfigException("cannot use " + store + " as a trust store: " + e.getMessage());
        }
    }

    private static boolean isKey(KeyStore ks, String alias) {
        try {
            return ks.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyStore load(Store store, boolean withKey) throws ConfigException {
        Path path = Path.of(store.location());
        try {
            return switch (store.type()) {
                case PEM -> withKey ? pemKeyStore(path, store.password()) : pemTrustStore(path);
                case JKS, PKCS12, BCFKS -> {
                    KeyStore ks = KeyStore.getInstance(store.type().name());
                    try (InputStream in = Files.newInputStream(path)) {
                        ks.load(in, store.password().toCharArray());
                    }
                    yield ks;
                }
            };
        } catch (NoSuchFileException e) {
            throw new ConfigException("invalid value for key '" + store.keyPrefix() + ".location': no such file '"
                    + store.location() + "'");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException("cannot open " + store.keyPrefix() + ".location '" + store.location()
                        + "': wrong " + store.keyPrefix() + ".password");
            }
            throw new ConfigException("cannot read " + store.keyPrefix() + ".location '" + store.location() + "' as "
                    + store.type() + " (check " + store.keyPrefix() + ".type and .password): " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot read " + store.keyPrefix() + ".location '" + store.location() + "' as "
                    + store.type() + " (check " + store.keyPrefix() + ".type and .password): " + e);
        }
    }

    /** PemReader.loadTrustStore: every certificate in the file is a trust anchor. */
    private static KeyStore pemTrustStore(Path path) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("JKS");
        ks.load(null, null);
        for (X509Certificate cert : certificates(Files.readString(path, StandardCharsets.US_ASCII))) {
            ks.setCertificateEntry(cert.getSubjectX500Principal().getName("RFC2253"), cert);
        }
        return ks;
    }

    /**
     * PemReader.loadKeyStore: one file holds a PKCS#8 private key (encrypted with the store's password when one is
     * given) and the certificate chain.
     */
    private static KeyStore pemKeyStore(Path path, String password) throws IOException, GeneralSecurityException {
        String text = Files.readString(path, StandardCharsets.US_ASCII);
        Matcher m = PRIVATE_KEY.matcher(text);
        if (!m.find()) {
            throw new GeneralSecurityException("no private key in the file");
        }
        byte[] encoded = Base64.getMimeDecoder().decode(m.group(1));
        PKCS8EncodedKeySpec spec;
        if (password.isEmpty()) {
            spec = new PKCS8EncodedKeySpec(encoded);
        } else {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(encoded);
            SecretKeyFactory skf = SecretKeyFactory.getInstance(info.getAlgName());
            Cipher cipher = Cipher.getInstance(info.getAlgName());
            cipher.init(Cipher.DECRYPT_MODE, skf.generateSecret(new PBEKeySpec(password.toCharArray())),
                    info.getAlgParameters());
            spec = info.getKeySpec(cipher);
        }
        PrivateKey key = privateKey(spec);
        List<X509Certificate> chain = certificates(text);
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate in the file");
        }
        KeyStore ks = KeyStore.getInstance("JKS");
        ks.load(null, null);
        ks.setKeyEntry("key", key, password.toCharArray(), chain.toArray(new Certificate[0]));
        return ks;
    }

    private static PrivateKey privateKey(PKCS8EncodedKeySpec spec) throws GeneralSecurityException {
        for (String alg : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // try the next algorithm
            }
        }
        return KeyFactory.getInstance("DSA").generatePrivate(spec);
    }

    private static List<X509Certificate> certificates(String text) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        Matcher m = CERT.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
        }
        return out;
    }
}
