package dev.corral.mesos.state;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;

/**
 * What the scheduler knows about one task, stored as one small znode (a few hundred bytes of {@code key=value} text,
 * readable with zkCli). {@code state} is a Mesos TaskState name, or {@code INTENDED} before any status arrived;
 * {@code launches} counts LAUNCH operations sent, which is how tests see that nothing was launched twice.
 * {@code host} is the agent's hostname from the offer it was launched on (the address service discovery announces);
 * {@code specHash} identifies what it runs ({@code FrameworkConfig.specHash}, empty for records older than that), so a
 * new configuration version knows which tasks to replace.
 */
public record TaskRecord(String taskId, Optional<String> agentId, String state, Optional<String> lastUuid,
                         String message, int launches, long updatedMillis, Optional<String> host, String specHash) {

    public static final String INTENDED = "INTENDED";
    /** Status messages are cut so a record can never grow anywhere near jute.maxbuffer. */
    static final int MAX_MESSAGE = 200;

    public TaskRecord {
        message = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    }

    public TaskRecord(String taskId, Optional<String> agentId, String state, Optional<String> lastUuid, String message,
                      int launches, long updatedMillis) {
        this(taskId, agentId, state, lastUuid, message, launches, updatedMillis, Optional.empty(), "");
    }

    public static TaskRecord intended(String taskId) {
        return new TaskRecord(taskId, Optional.empty(), INTENDED, Optional.empty(), "", 0, System.currentTimeMillis());
    }

    public boolean isRunning() {
        return state.equals("TASK_RUNNING");
    }

    public boolean isTerminal() {
        return switch (state) {
            case "TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_DROPPED", "TASK_GONE",
                 "TASK_GONE_BY_OPERATOR", "TASK_LOST" -> true;
            default -> false;
        };
    }

    public TaskRecord withLaunch(String agent) {
        return new TaskRecord(taskId, Optional.of(agent), state, lastUuid, message, launches + 1, System.currentTimeMillis(),
                host, specHash);
    }

    /** A LAUNCH about to be sent: on {@code agent} (hostname {@code hostname}) running the spec with {@code hash}. */
    public TaskRecord withLaunch(String agent, String hostname, String hash) {
        return new TaskRecord(taskId, Optional.of(agent), state, lastUuid, message, launches + 1, System.currentTimeMillis(),
                Optional.of(hostname), hash);
    }

    public TaskRecord withStatus(String newState, Optional<String> agent, Optional<String> uuid, String msg) {
        return new TaskRecord(taskId, agent.or(() -> agentId), newState, uuid.or(() -> lastUuid), msg, launches,
                System.currentTimeMillis(), host, specHash);
    }

    public TaskRecord withMessage(String msg) {
        return new TaskRecord(taskId, agentId, state, lastUuid, msg, launches, System.currentTimeMillis(), host, specHash);
    }

    public byte[] encode() {
        Properties p = new Properties();
        p.setProperty("task_id", taskId);
        agentId.ifPresent(a -> p.setProperty("agent_id", a));
        p.setProperty("state", state);
        lastUuid.ifPresent(u -> p.setProperty("last_uuid", u));
        p.setProperty("message", message);
        p.setProperty("launches", Integer.toString(launches));
        p.setProperty("updated_ms", Long.toString(updatedMillis));
        host.ifPresent(h -> p.setProperty("host", h));
        if (!specHash.isEmpty()) {
            p.setProperty("spec_hash", specHash);
        }
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new IllegalStateException(e); // StringWriter does not fail.
        }
        // Drop the timestamp comment Properties writes: it is noise in zkCli.
        String text = w.toString().replaceFirst("^#.*\\R", "");
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static TaskRecord decode(byte[] data) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(data, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new TaskRecord(p.getProperty("task_id"), Optional.ofNullable(p.getProperty("agent_id")),
                p.getProperty("state", INTENDED), Optional.ofNullable(p.getProperty("last_uuid")),
                p.getProperty("message", ""), Integer.parseInt(p.getProperty("launches", "0")),
                Long.parseLong(p.getProperty("updated_ms", "0")), Optional.ofNullable(p.getProperty("host")),
                p.getProperty("spec_hash", ""));
    }
}
