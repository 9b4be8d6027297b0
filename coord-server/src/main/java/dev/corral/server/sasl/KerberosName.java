package dev.corral.server.sasl;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.kerberos.KerberosPrincipal;

/**
 * A Kerberos principal name {@code service/host@REALM} and its short name under auth_to_local rules, as ZooKeeper's
 * KerberosName (from Hadoop) reads them: a name without '@' is a plain service name; DEFAULT maps a principal of the
 * default realm to its first component; RULE:[n:fmt](match)s/from/to/g rewrites.
 */
record KerberosName(String serviceName, String hostName, String realm) {
    private static final Pattern NAME = Pattern.compile("([^/@]*)(/([^/@]*))?@([^/@]*)");
    private static final Pattern PARAMETER = Pattern.compile("([^$]*)(\\$(\\d*))?");
    private static final Pattern RULE = Pattern.compile(
            "\\s*((DEFAULT)|(RULE:\\[(\\d*):([^\\]]*)](\\(([^)]*)\\))?(s/([^/]*)/([^/]*)/(g)?)?))");
    private static final Pattern NON_SIMPLE = Pattern.compile("[/@]");

    /** Parses {@code name}; a name with '@' that is not {@code service[/host]@realm} is malformed. */
    static KerberosName parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            if (name.contains("@")) {
                throw new IllegalArgumentException("Malformed Kerberos name: " + name);
            }
            return new KerberosName(name, null, null);
        }
        return new KerberosName(m.group(1), m.group(3), m.group(4));
    }

    /** The JDK's default realm (krb5.conf), or "" without a Kerberos configuration, as ZooKeeper takes it. */
    static String defaultRealm() {
        try {
            return new KerberosPrincipal("tmp", KerberosPrincipal.KRB_NT_PRINCIPAL).getRealm();
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The short name under {@code rules}; null when no rule applies (ZooKeeper's NoMatchingRule). */
    String shortName(List<Rule> rules, String defaultRealm) {
        String[] params;
        if (hostName == null) {
            if (realm == null) {
                return serviceName;
            }
            params = new String[] {realm, serviceName};
        } else {
            params = new String[] {realm, serviceName, hostName};
        }
        for (Rule r : rules) {
            String result = r.apply(params, defaultRealm);
            if (result != null) {
                // A rule that leaves a '/' or '@' is an error in ZooKeeper: no short name.
                return NON_SIMPLE.matcher(result).find() ? null : result;
            }
        }
        return null;
    }

    /** One auth_to_local rule. */
    record Rule(boolean isDefault, int components, String format, Pattern match, Pattern from, String to,
                boolean repeat) {
        String apply(String[] params, String defaultRealm) {
            if (isDefault) {
                return defaultRealm.equals(params[0]) ? params[1] : null;
            }
            if (params.length - 1 != components) {
                return null;
            }
            String base = replaceParameters(format, params);
            if (base == null || match != null && !match.matcher(base).matches()) {
                return null;
            }
            if (from == null) {
                return base;
            }
            Matcher m = from.matcher(base);
            return repeat ? m.replaceAll(to) : m.replaceFirst(to);
        }

        /** {@code $0} is the realm, {@code $1..} the components; a bad index makes the rule fail (null). */
        private static String replaceParameters(String format, String[] params) {
            Matcher m = PARAMETER.matcher(format);
            int start = 0;
            StringBuilder out = new StringBuilder();
            while (start < format.length() && m.find(start)) {
                out.append(m.group(1));
                String num = m.group(3);
                if (num != null) {
                    try {
                        int i = Integer.parseInt(num);
                        if (i < 0 || i > params.length) {
                            return null;
                        }
                        out.append(params[i]);
                    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                        return null;
                    }
                }
                start = m.end();
            }
            return out.toString();
        }
    }

    /** Parses auth_to_local rules ({@code DEFAULT} and {@code RULE:...}, blank separated). */
    static List<Rule> parseRules(String text) {
        List<Rule> rules = new ArrayList<>();
        String remaining = text.trim();
        while (!remaining.isEmpty()) {
            Matcher m = RULE.matcher(remaining);
            if (!m.lookingAt()) {
                throw new IllegalArgumentException("Invalid rule: " + remaining);
            }
            if (m.group(2) != null) {
                rules.add(new Rule(true, 0, null, null, null, null, false));
            } else {
                rules.add(new Rule(false, Integer.parseInt(m.group(4)), m.group(5),
                        m.group(7) == null ? null : Pattern.compile(m.group(7)),
                        m.group(9) == null ? null : Pattern.compile(m.group(9)), m.group(10),
                        "g".equals(m.group(11))));
            }
            remaining = remaining.substring(m.end());
        }
        return rules;
    }
}
