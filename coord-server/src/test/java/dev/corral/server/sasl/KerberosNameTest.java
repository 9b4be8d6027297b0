package dev.corral.server.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Corral's KerberosName against ZooKeeper 3.9.5's (org.apache.zookeeper.server.auth.KerberosName) on the same names
 * and auth_to_local rules: what a name parses to, whether it is a valid sasl ACL id, and its short name.
 */
class KerberosNameTest {
    private static final String REALM = "EXAMPLE.COM";
    private static final List<String> NAMES = List.of("alice", "client@EXAMPLE.COM", "svc/host.example.com@EXAMPLE.COM",
            "user@OTHER.ORG", "svc/h@OTHER.ORG", "a@b@c", "a/b/c@R", "x/y", "@EXAMPLE.COM", "hdfs/nn1@EXAMPLE.COM");
    private static final List<String> RULES = List.of("DEFAULT",
            "RULE:[1:$1@$0](.*@OTHER\\.ORG)s/@.*// DEFAULT",
            "RULE:[2:$1](hdfs)s/.*/hadoop/ RULE:[2:$1/$2] DEFAULT",
            "RULE:[1:$1]s/a/A/g RULE:[2:$2@$0]");

    @Test
    void parsesAndShortensAsZooKeeper() throws Exception {
        java.lang.reflect.Field realm = org.apache.zookeeper.server.auth.KerberosName.class
                .getDeclaredField("defaultRealm");
        realm.setAccessible(true);
        Object before = realm.get(null);
        List<String> reference = new ArrayList<>();
        List<String> ours = new ArrayList<>();
        try {
            realm.set(null, REALM);
            for (String rules : RULES) {
                System.setProperty("zookeeper.security.auth_to_local", rules);
                org.apache.zookeeper.server.auth.KerberosName.setConfiguration();
                List<KerberosName.Rule> parsed = KerberosName.parseRules(rules);
                for (String name : NAMES) {
                    reference.add(rules + " | " + name + " -> " + zookeeper(name));
                    ours.add(rules + " | " + name + " -> " + corral(name, parsed));
                }
            }
        } finally {
            System.clearProperty("zookeeper.security.auth_to_local");
            org.apache.zookeeper.server.auth.KerberosName.setConfiguration();
            realm.set(null, before);
        }
        assertThat(ours).containsExactlyElementsOf(reference);
        assertThat(reference).contains("DEFAULT | svc/host.example.com@EXAMPLE.COM -> svc host.example.com "
                + "EXAMPLE.COM short=svc", "DEFAULT | a@b@c -> invalid");
    }

    private static String zookeeper(String name) {
        org.apache.zookeeper.server.auth.KerberosName k;
        try {
            k = new org.apache.zookeeper.server.auth.KerberosName(name);
        } catch (IllegalArgumentException e) {
            return "invalid";
        }
        String shortName;
        try {
            shortName = k.getShortName();
        } catch (java.io.IOException e) {
            shortName = null;
        }
        return k.getServiceName() + " " + k.getHostName() + " " + k.getRealm() + " short=" + shortName;
    }

    private static String corral(String name, List<KerberosName.Rule> rules) {
        KerberosName k;
        try {
            k = KerberosName.parse(name);
        } catch (IllegalArgumentException e) {
            return "invalid";
        }
        return k.serviceName() + " " + k.hostName() + " " + k.realm() + " short=" + k.shortName(rules, REALM);
    }
}
