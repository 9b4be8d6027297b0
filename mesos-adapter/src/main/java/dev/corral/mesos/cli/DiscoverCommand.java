package dev.corral.mesos.cli;

import dev.corral.mesos.config.Discovery;
import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.ha.Coordination;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code corral-mesos discover <service>}: the service's instances, read with Curator's own ServiceDiscovery. */
@Command(name = "discover", description = "List a service's instances (Curator service discovery: <base>/<service>/<id>).")
public final class DiscoverCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;
    @Option(names = "--zk", required = true, description = "zk://[user:pass@]host:port[,host:port...] (a path here is ignored; see --base)")
    String zk;
    @Option(names = "--base", defaultValue = Discovery.DEFAULT_BASE, description = "Discovery base path (default: ${DEFAULT-VALUE})")
    String base;
    @Option(names = "--zk-session-timeout", defaultValue = "10s", converter = DurationConverter.class)
    Duration sessionTimeout;

    @Override
    public Integer call() throws Exception {
        try (CuratorFramework client = Coordination.connect(ZkUrl.parse(zk), sessionTimeout);
             ServiceDiscovery<Void> discovery = ServiceDiscoveryBuilder.builder(Void.class).client(client).basePath(base).build()) {
            discovery.start();
            List<ServiceInstance<Void>> instances = new ArrayList<>(discovery.queryForInstances(service));
            instances.sort(Comparator.comparing(ServiceInstance::getId));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-30s %-22s %-6s %s%n", "ID", "ADDRESS", "PORT", "REGISTERED (UTC)");
            for (ServiceInstance<Void> i : instances) {
                out.printf("%-30s %-22s %-6s %s%n", i.getId(), i.getAddress(), i.getPort() == null ? "-" : i.getPort(),
                        Instant.ofEpochMilli(i.getRegistrationTimeUTC()));
            }
            out.println(instances.size() + " instance(s) of " + service + " under " + base);
            out.flush();
            return 0;
        }
    }
}
