package dev.corral.mesos.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The configuration document's JSON form, and its validation: a document is refused with the first offending field
 * named, before anything is written or applied.
 * <pre>
 * {"command": "sleep 600", "cpus": 0.1, "mem": 32.0, "instances": 3, "environment": {"MODE": "blue"},
 *  "failover_timeout": "7d", "discovery": {"base": "/discovery", "service": "web", "port": 8080}, "rollout_settle": "0s"}
 * </pre>
 */
public final class ConfigCodec {

    /** Far below jute.maxbuffer; a document is a few hundred bytes. */
    public static final int MAX_BYTES = 64 * 1024;
    public static final int MAX_INSTANCES = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> TOP = Set.of("command", "cpus", "mem", "instances", "environment", "failover_timeout",
            "discovery", "rollout_settle");
    private static final Set<String> DISCOVERY = Set.of("base", "service", "port");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern PATH = Pattern.compile("/|(/[A-Za-z0-9._-]+)+");

    private ConfigCodec() {}

    public static byte[] encode(FrameworkConfig c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("command", c.command());
        o.put("cpus", c.cpus());
        o.put("mem", c.mem());
        o.put("instances", c.instances());
        ObjectNode env = o.putObject("environment");
        c.environment().forEach(env::put);
        o.put("failover_timeout", Durations.format(c.failoverTimeout()));
        ObjectNode d = o.putObject("discovery");
        d.put("base", c.discovery().base());
        d.put("service", c.discovery().service());
        c.discovery().port().ifPresentOrElse(p -> d.put("port", p), () -> d.putNull("port"));
        o.put("rollout_settle", Durations.format(c.rolloutSettle()));
        try {
            return (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of plain values always serializes
        }
    }

    public static FrameworkConfig decode(byte[] data) throws InvalidConfigException {
        if (data == null || data.length == 0) {
            throw new InvalidConfigException("(document)", "is empty");
        }
        if (data.length > MAX_BYTES) {
            throw new InvalidConfigException("(document)", "is " + data.length + " bytes, more than " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("(document)", "is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidConfigException("(document)", "is not readable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidConfigException("(document)", "must be a JSON object");
        }
        unknown(root, TOP, "");
        String command = text(root, "command", "command");
        if (command.isBlank()) {
            throw new InvalidConfigException("command", "must not be blank");
        }
        double cpus = positive(root, "cpus");
        double mem = positive(root, "mem");
        JsonNode n = root.get("instances");
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new InvalidConfigException("instances", "must be a whole number, got " + shown(n));
        }
        int instances = n.intValue();
        if (instances < 0 || instances > MAX_INSTANCES) {
            throw new InvalidConfigException("instances", "must be between 0 and " + MAX_INSTANCES + ", got " + instances);
        }
        TreeMap<String, String> env = new TreeMap<>();
        JsonNode e = root.get("environment");
        if (e != null && !e.isNull()) {
            if (!e.isObject()) {
                throw new InvalidConfigException("environment", "must be an object of name: string, got " + shown(e));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> v = it.next();
                String field = "environment." + v.getKey();
                if (!ENV_NAME.matcher(v.getKey()).matches()) {
                    throw new InvalidConfigException(field, "is not a valid environment variable name");
                }
                if (!v.getValue().isTextual()) {
                    throw new InvalidConfigException(field, "must be a string, got " + shown(v.getValue()));
                }
                env.put(v.getKey(), v.getValue().textValue());
            }
        }
        JsonNode ft = root.get("failover_timeout");
        Optional<Duration> failover = ft == null ? Optional.empty()
                : ft.isTextual() ? Durations.parse(ft.textValue())
                : ft.isNumber() ? Optional.of(Duration.ofMillis((long) (ft.doubleValue() * 1000))) : Optional.empty();
        if (failover.isEmpty() || failover.get().isNegative() || failover.get().isZero()) {
            throw new InvalidConfigException("failover_timeout", "must be a positive duration such as \"7d\", \"2h\", \"30s\" or a number of seconds, got " + shown(ft));
        }
        JsonNode d = root.get("discovery");
        if (d == null || !d.isObject()) {
            throw new InvalidConfigException("discovery", "must be an object {base, service, port}, got " + shown(d));
        }
        unknown(d, DISCOVERY, "discovery.");
        String base = text(d, "base", "discovery.base");
        if (!PATH.matcher(base).matches()) {
            throw new InvalidConfigException("discovery.base", "must be an absolute znode path such as /discovery, got \"" + base + "\"");
        }
        String service = text(d, "service", "discovery.service");
        if (!SERVICE.matcher(service).matches()) {
            throw new InvalidConfigException("discovery.service", "must be 1-100 of [A-Za-z0-9._-], got \"" + service + "\"");
        }
        JsonNode p = d.get("port");
        Optional<Integer> port = Optional.empty();
        if (p != null && !p.isNull()) {
            if (!p.isIntegralNumber() || p.intValue() < 1 || p.intValue() > 65535) {
                throw new InvalidConfigException("discovery.port", "must be a port number 1-65535 or null, got " + shown(p));
            }
            port = Optional.of(p.intValue());
        }
        JsonNode rs = root.get("rollout_settle");
        Optional<Duration> settle = rs == null || rs.isNull() ? Optional.of(Duration.ZERO)
                : rs.isTextual() ? Durations.parse(rs.textValue()) : Optional.empty();
        if (settle.isEmpty() || settle.get().isNegative() || settle.get().compareTo(Duration.ofHours(1)) > 0) {
            throw new InvalidConfigException("rollout_settle", "must be a duration from \"0s\" to \"1h\", got " + shown(rs));
        }
        return new FrameworkConfig(command, cpus, mem, instances, env, failover.get(), new Discovery(base, service, port),
                settle.get());
    }

    private static void unknown(JsonNode o, Set<String> known, String prefix) throws InvalidConfigException {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new InvalidConfigException(prefix + f, "is not a known field (known: " + new java.util.TreeSet<>(known) + ")");
            }
        }
    }

    private static String text(JsonNode o, String name, String field) throws InvalidConfigException {
        JsonNode n = o.get(name);
        if (n == null || !n.isTextual()) {
            throw new InvalidConfigException(field, "must be a string, got " + shown(n));
        }
        return n.textValue();
    }

    private static double positive(JsonNode o, String field) throws InvalidConfigException {
        JsonNode n = o.get(field);
        if (n == null || !n.isNumber() || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
            throw new InvalidConfigException(field, "must be a number greater than 0, got " + shown(n));
        }
        return n.doubleValue();
    }

    private static String shown(JsonNode n) {
        return n == null ? "nothing (missing)" : n.toString();
    }
}
