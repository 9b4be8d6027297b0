package dev.corral.mesos.testmaster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The part of a Mesos-protocol TEST cluster that outlives any one master: the simulated agents (and their task
 * processes), the set of removed framework ids, and a launch counter per task id that tests use to prove nothing was
 * launched twice. Masters come and go on top of it.
 */
public final class TestCluster implements AutoCloseable {

    private final List<SimulatedAgent> agents = new ArrayList<>();
    private final AtomicReference<TestMaster> leader = new AtomicReference<>();
    private final Set<String> removedFrameworks = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> launches = new ConcurrentHashMap<>();

    public TestCluster(int agentCount, Resources perAgent, Duration updateRetry) throws java.io.IOException {
        Path sandboxes = Files.createTempDirectory("corral-testmaster");
        for (int i = 0; i < agentCount; i++) {
            agents.add(new SimulatedAgent("agent-" + i, "127.0.0.1", perAgent, sandboxes, updateRetry));
        }
    }

    public List<SimulatedAgent> agents() {
        return agents;
    }

    public java.util.Optional<SimulatedAgent> agent(String id) {
        return agents.stream().filter(a -> a.id().getValue().equals(id)).findFirst();
    }

    /** A master became leader: agents re-register with it. */
    void elected(TestMaster master) {
        leader.set(master);
        agents.forEach(a -> a.connect(master));
    }

    void resigned(TestMaster master) {
        leader.compareAndSet(master, null);
        agents.forEach(a -> a.disconnect(master));
    }

    public java.util.Optional<TestMaster> leader() {
        return java.util.Optional.ofNullable(leader.get());
    }

    void frameworkRemoved(String id) {
        removedFrameworks.add(id);
    }

    boolean isRemoved(String id) {
        return removedFrameworks.contains(id);
    }

    void launched(String taskId) {
        launches.computeIfAbsent(taskId, k -> new AtomicInteger()).incrementAndGet();
    }

    /** How many times each task id was launched on an agent. */
    public Map<String, Integer> launchCounts() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        launches.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public int liveTasks() {
        return agents.stream().mapToInt(SimulatedAgent::liveTasks).sum();
    }

    @Override
    public void close() {
        agents.forEach(SimulatedAgent::close);
    }
}
