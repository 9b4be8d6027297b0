package dev.corral.server.monitor;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The envi word's and the environment command's entries, in ZooKeeper's order and with its keys. */
public final class Environment {
    private Environment() {
    }

    public static Map<String, String> entries() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("zookeeper.version", ServerVersion.FULL);
        String host;
        try {
            host = InetAddress.getLocalHost().getCanonicalHostName();
        } catch (Exception e) {
            host = "<NA>";
        }
        env.put("host.name", host);
        for (String key : List.of("java.version", "java.vendor", "java.home", "java.class.path", "java.library.path",
                "java.io.tmpdir")) {
            env.put(key, System.getProperty(key, "<NA>"));
        }
        env.put("java.compiler", "<NA>");
        for (String key : List.of("os.name", "os.arch", "os.version", "user.name", "user.home", "user.dir")) {
            env.put(key, System.getProperty(key, "<NA>"));
        }
        Runtime rt = Runtime.getRuntime();
        env.put("os.memory.free", rt.freeMemory() / (1024 * 1024) + "MB");
        env.put("os.memory.max", rt.maxMemory() / (1024 * 1024) + "MB");
        env.put("os.memory.total", rt.totalMemory() / (1024 * 1024) + "MB");
        return env;
    }
}
