import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * The client side of scripts/test-kafka: Kafka's own AdminClient, idempotent producer and group consumer, plus a
 * read-only look at Kafka's znodes through the ZooKeeper client jar Kafka itself ships. Each command prints
 * "PASS name" / "FAIL name: why" lines, and "key=value" lines the script reads; it exits 1 if anything failed.
 *
 * <pre>
 *   KafkaCheck cluster   BOOTSTRAP ZK BROKERS SECONDS            wait until BROKERS brokers are registered and one
 *                                                                 controls; prints controller=ID and epoch=E
 *   KafkaCheck phase1    BOOTSTRAP ZK TOPIC RECORDS SECONDS       create TOPIC (3 partitions, RF 2), produce RECORDS
 *                                                                 idempotently, consume them with group "check"
 *   KafkaCheck failover  BOOTSTRAP ZK TOPIC SURVIVOR DEAD EPOCH SECONDS
 *                                                                 wait until SURVIVOR controls and leads every partition
 *   KafkaCheck phase2    BOOTSTRAP ZK TOPIC RECORDS SECONDS       produce RECORDS more; group "check" reads exactly
 *                                                                 those, a new group reads all 2 x RECORDS
 *   KafkaCheck znodes    ZK                                       lists Kafka's znodes: path, null or data length,
 *                                                                 version, ephemeral or not, children (for a diff)
 * </pre>
 *
 * ZK is the ensemble's connect string without the chroot; Kafka's znodes are read under /kafka.
 */
public final class KafkaCheck {
  static final String CHROOT = "/kafka";
  static final int PARTITIONS = 3;
  static final short RF = 2;
  static int passed;
  static int failed;

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      usage();
    }
    switch (args[0]) {
      case "cluster" -> cluster(args[1], args[2], Integer.parseInt(args[3]), deadline(args[4]));
      case "phase1" -> phase1(args[1], args[2], args[3], Integer.parseInt(args[4]), deadline(args[5]));
      case "failover" -> failover(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]),
          Integer.parseInt(args[6]), deadline(args[7]));
      case "phase2" -> phase2(args[1], args[2], args[3], Integer.parseInt(args[4]), deadline(args[5]));
      case "znodes" -> znodes(args[1]);
      default -> usage();
    }
    System.out.flush();
    System.exit(failed == 0 ? 0 : 1);
  }

  static void usage() {
    System.err.println("usage: KafkaCheck cluster|phase1|failover|phase2 ... (see the class comment)");
    System.exit(2);
  }

  static long deadline(String seconds) {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(seconds));
  }

  static boolean before(long deadline) {
    return System.nanoTime() < deadline;
  }

  static void check(String name, boolean ok, String detail) {
    if (ok) {
      passed++;
      System.out.println("PASS " + name + (detail.isEmpty() ? "" : " (" + detail + ")"));
    } else {
      failed++;
      System.out.println("FAIL " + name + (detail.isEmpty() ? "" : ": " + detail));
    }
    System.out.flush();
  }

  static void info(String line) {
    System.out.println(line);
    System.out.flush();
  }

  // ------------------------------------------------------------------------------------------------ the clients

  static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    return Admin.create(p);
  }

  static ZooKeeper zk(String connect) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper(connect, 15_000, e -> {
      if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    });
    if (!connected.await(20, TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("no ZooKeeper session with " + connect + " in 20 s");
    }
    return zk;
  }

  /** A znode's data as a string, "(null)" for null data, null if the znode does not exist. */
  static String read(ZooKeeper zk, String path) throws Exception {
    Stat stat = zk.exists(path, false);
    if (stat == null) {
      return null;
    }
    try {
      byte[] data = zk.getData(path, false, null);
      return data == null ? "(null)" : new String(data, StandardCharsets.UTF_8);
    } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
      return null;
    }
  }

  /** The brokerid in /kafka/controller, or -1. */
  static int zkController(ZooKeeper zk) throws Exception {
    String json = read(zk, CHROOT + "/controller");
    if (json == null) {
      return -1;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"brokerid\"\\s*:\\s*(\\d+)").matcher(json);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  static int zkControllerEpoch(ZooKeeper zk) throws Exception {
    String s = read(zk, CHROOT + "/controller_epoch");
    return s == null || s.equals("(null)") ? -1 : Integer.parseInt(s.trim());
  }

  static String key(String prefix, int i) {
    return prefix + "-" + i;
  }

  /** The value written for a key: long enough to be a real record, and checkable from the key alone. */
  static String value(String key) {
    StringBuilder b = new StringBuilder(key).append(':');
    int h = key.hashCode();
    while (b.length() < 100) {
      h = h * 31 + 17;
      b.append(Integer.toHexString(h));
    }
    return b.toString();
  }

  // ------------------------------------------------------------------------------------------------ commands

  static void cluster(String bootstrap, String zkConnect, int brokers, long deadline) throws Exception {
    try (Admin admin = admin(bootstrap); ZooKeeper zk = zk(zkConnect)) {
      Collection<Node> nodes = List.of();
      Node controller = null;
      int zkController = -1;
      List<String> ids = List.of();
      String last = "";
      while (before(deadline)) {
        try {
          var cluster = admin.describeCluster();
          nodes = cluster.nodes().get(10, TimeUnit.SECONDS);
          controller = cluster.controller().get(10, TimeUnit.SECONDS);
          ids = zk.exists(CHROOT + "/brokers/ids", false) == null ? List.of()
              : zk.getChildren(CHROOT + "/brokers/ids", false);
          zkController = zkController(zk);
          if (nodes.size() == brokers && ids.size() == brokers && controller != null && controller.id() >= 0
              && controller.id() == zkController) {
            break;
          }
          last = "nodes " + nodes + ", /kafka/brokers/ids " + ids + ", controller " + controller
              + ", /kafka/controller " + zkController;
        } catch (Exception e) {
          last = e.toString();
        }
        Thread.sleep(500);
      }
      boolean ok = nodes.size() == brokers && ids.size() == brokers && controller != null
          && controller.id() == zkController;
      check(brokers + " brokers registered (AdminClient and /kafka/brokers/ids)",
          nodes.size() == brokers && ids.size() == brokers, ok ? "ids " + new TreeSet<>(ids) : last);
      check("one controller (AdminClient and /kafka/controller agree)", ok,
          ok ? "broker " + zkController : last);
      String clusterId = read(zk, CHROOT + "/cluster/id");
      check("/kafka/cluster/id written", clusterId != null && clusterId.contains("\"id\""), String.valueOf(clusterId));
      if (ok) {
        info("controller=" + zkController);
        info("epoch=" + zkControllerEpoch(zk));
      }
    }
  }

  static void phase1(String bootstrap, String zkConnect, String topic, int records, long deadline)
      throws Exception {
    try (Admin admin = admin(bootstrap)) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, RF))).all().get(30, TimeUnit.SECONDS);
      check("topic " + topic + " created (" + PARTITIONS + " partitions, replication factor " + RF + ")", true, "");
      String state = waitReplicated(admin, topic, deadline);
      check("every partition has 2 replicas in sync", state.startsWith("ok"), state);

      Set<String> keys = produce(bootstrap, topic, "a", records, deadline);
      check("idempotent producer: " + records + " records acknowledged (acks=all)", keys.size() == records,
          keys.size() + " acknowledged");
      if (keys.size() != records) {
        return;
      }
      producerIds(admin, topic, "after the first produce", Set.of());

      consume(bootstrap, topic, "check", keys, "group 'check' consumed", deadline);

      state = waitReplicated(admin, topic, deadline);
      check("before the kill: every partition has 2 replicas in sync", state.startsWith("ok"), state);
    }
    try (ZooKeeper zk = zk(zkConnect)) {
      String block = read(zk, CHROOT + "/latest_producer_id_block");
      check("/kafka/latest_producer_id_block holds a block", block != null && block.contains("block_end"),
          String.valueOf(block));
    }
  }

  static void failover(String bootstrap, String zkConnect, String topic, int survivor, int dead, int oldEpoch,
      long deadline) throws Exception {
    try (Admin admin = admin(bootstrap); ZooKeeper zk = zk(zkConnect)) {
      long t0 = System.nanoTime();
      String last = "";
      int controller = -1;
      int zkController = -1;
      List<String> ids = List.of();
      while (before(deadline)) {
        try {
          Node c = admin.describeCluster().controller().get(10, TimeUnit.SECONDS);
          controller = c == null ? -1 : c.id();
          zkController = zkController(zk);
          ids = zk.getChildren(CHROOT + "/brokers/ids", false);
          if (controller == survivor && zkController == survivor && ids.equals(List.of(String.valueOf(survivor)))) {
            break;
          }
          last = "controller " + controller + ", /kafka/controller " + zkController + ", /kafka/brokers/ids " + ids;
        } catch (Exception e) {
          last = e.toString();
        }
        Thread.sleep(250);
      }
      boolean ok = controller == survivor && zkController == survivor;
      check("broker " + survivor + " took over as controller", ok,
          ok ? String.format("%.1f s after the kill was noticed", (System.nanoTime() - t0) / 1e9) : last);
      check("broker " + dead + " gone from /kafka/brokers/ids", !ids.contains(String.valueOf(dead)), "ids " + ids);
      int epoch = zkControllerEpoch(zk);
      check("/kafka/controller_epoch went up", epoch > oldEpoch, oldEpoch + " -> " + epoch);

      String state = "";
      while (before(deadline)) {
        state = ledBy(admin, topic, survivor);
        if (state.startsWith("ok")) {
          break;
        }
        Thread.sleep(250);
      }
      check("every partition led by broker " + survivor + ", still 2 replicas, in sync: [" + survivor + "]",
          state.startsWith("ok"), state);
    }
  }

  static void phase2(String bootstrap, String zkConnect, String topic, int records, long deadline)
      throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Set<String> before = producerIds(admin, topic, "", null);
      Set<String> keys = produce(bootstrap, topic, "b", records, deadline);
      check("after the failover, idempotent producer: " + records + " records acknowledged", keys.size() == records,
          keys.size() + " acknowledged");
      if (keys.size() != records) {
        return;
      }
      producerIds(admin, topic, "after the failover", before);

      consume(bootstrap, topic, "check", keys, "group 'check' (offsets committed before the kill) consumed", deadline);
      Set<String> all = new HashSet<>(keys);
      for (int i = 0; i < records; i++) {
        all.add(key("a", i));
      }
      consume(bootstrap, topic, "check-after", all, "a new group consumed everything acknowledged", deadline);
    }
    try (ZooKeeper zk = zk(zkConnect)) {
      String block = read(zk, CHROOT + "/latest_producer_id_block");
      check("/kafka/latest_producer_id_block still holds a block", block != null && block.contains("block_end"),
          String.valueOf(block));
    }
  }

  static void znodes(String zkConnect) throws Exception {
    try (ZooKeeper zk = zk(zkConnect)) {
      List<String> todo = new ArrayList<>(List.of(CHROOT));
      while (!todo.isEmpty()) {
        String path = todo.remove(todo.size() - 1);
        Stat stat = new Stat();
        byte[] data;
        List<String> children;
        try {
          data = zk.getData(path, false, stat);
          children = new ArrayList<>(zk.getChildren(path, false));
        } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
          continue;
        }
        java.util.Collections.sort(children);
        System.out.printf("%s data=%s version=%d cversion=%d %s children=%d%n", path,
            data == null ? "null" : data.length + "B", stat.getVersion(), stat.getCversion(),
            stat.getEphemeralOwner() != 0 ? "ephemeral" : "persistent", children.size());
        for (int i = children.size() - 1; i >= 0; i--) {
          todo.add(path + "/" + children.get(i));
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  static Map<Integer, TopicPartitionInfo> partitions(Admin admin, String topic) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic);
    Map<Integer, TopicPartitionInfo> m = new TreeMap<>();
    for (TopicPartitionInfo p : d.partitions()) {
      m.put(p.partition(), p);
    }
    return m;
  }

  static String describe(Map<Integer, TopicPartitionInfo> ps) {
    return ps.values().stream().map(p -> "p" + p.partition() + " leader " + (p.leader() == null ? "none"
            : p.leader().id()) + " replicas " + p.replicas().stream().map(Node::id).toList() + " isr "
            + p.isr().stream().map(Node::id).toList()).collect(Collectors.joining("; "));
  }

  /** Waits until the topic has its partitions, each with a leader and RF replicas in sync. */
  static String waitReplicated(Admin admin, String topic, long deadline) throws Exception {
    String last = "";
    while (before(deadline)) {
      try {
        Map<Integer, TopicPartitionInfo> ps = partitions(admin, topic);
        last = describe(ps);
        boolean ok = ps.size() == PARTITIONS && ps.values().stream().allMatch(
            p -> p.leader() != null && p.leader().id() >= 0 && p.replicas().size() == RF && p.isr().size() == RF);
        if (ok) {
          return "ok: " + last;
        }
      } catch (Exception e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    return last;
  }

  static String ledBy(Admin admin, String topic, int survivor) {
    try {
      Map<Integer, TopicPartitionInfo> ps = partitions(admin, topic);
      boolean ok = ps.size() == PARTITIONS && ps.values().stream().allMatch(
          p -> p.leader() != null && p.leader().id() == survivor && p.replicas().size() == RF
              && p.isr().stream().map(Node::id).toList().equals(List.of(survivor)));
      return (ok ? "ok: " : "") + describe(ps);
    } catch (Exception e) {
      return e.toString();
    }
  }

  /** Produces RECORDS records with Kafka's idempotent producer; returns the keys that were acknowledged. */
  static Set<String> produce(String bootstrap, String topic, String prefix, int records, long deadline)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-check-producer-" + prefix);
    Set<String> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    AtomicReference<Exception> error = new AtomicReference<>();
    AtomicLong errors = new AtomicLong();
    java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
    int sent = 0;
    long t0 = System.nanoTime();
    // Bounded: every send completes within delivery.timeout.ms (60 s); past that, or the deadline, it is a FAIL.
    long limit = Math.min(deadline, t0 + TimeUnit.SECONDS.toNanos(90));
    KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    try {
      for (int i = 0; i < records && before(limit) && error.get() == null; i++) {
        String k = key(prefix, i);
        producer.send(new ProducerRecord<>(topic, k, value(k)), (md, e) -> {
          if (e == null) {
            acked.add(k);
          } else {
            errors.incrementAndGet();
            error.compareAndSet(null, e);
          }
          completed.incrementAndGet();
        });
        sent++;
      }
      while (completed.get() < sent && before(limit)) {
        Thread.sleep(50);
      }
    } catch (Exception e) {
      error.compareAndSet(null, e);
    } finally {
      producer.close(Duration.ofSeconds(5));
    }
    if (acked.size() != records) {
      check("produce " + records + " '" + prefix + "' records", false, String.format(
          "%d acknowledged, %d failed, %d unanswered after %.1f s; first error: %s", acked.size(), errors.get(),
          sent - completed.get(), (System.nanoTime() - t0) / 1e9, error.get()));
    } else {
      info(String.format("produced %d records in %.1f s", acked.size(), (System.nanoTime() - t0) / 1e9));
    }
    return acked;
  }

  /** The producer ids the partitions report (DescribeProducers); checks each partition has one, none of OLD. */
  static Set<String> producerIds(Admin admin, String topic, String when, Set<String> old) throws Exception {
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < PARTITIONS; i++) {
      tps.add(new TopicPartition(topic, i));
    }
    Map<TopicPartition, PartitionProducerState> states =
        admin.describeProducers(tps).all().get(20, TimeUnit.SECONDS);
    Set<String> ids = new TreeSet<>();
    Map<Integer, Set<Long>> byPartition = new TreeMap<>();
    for (var e : states.entrySet()) {
      for (ProducerState s : e.getValue().activeProducers()) {
        ids.add(String.valueOf(s.producerId()));
        byPartition.computeIfAbsent(e.getKey().partition(), k -> new TreeSet<>()).add(s.producerId());
      }
    }
    if (old != null) {
      Set<String> fresh = new TreeSet<>(ids);
      fresh.removeAll(old);
      boolean ok = byPartition.size() == PARTITIONS
          && byPartition.values().stream().allMatch(s -> s.stream().allMatch(id -> id >= 0))
          && !fresh.isEmpty();
      check("brokers hold the idempotent producer's id on every partition " + when, ok,
          "producer ids by partition " + byPartition + (old.isEmpty() ? "" : ", new: " + fresh));
    }
    return ids;
  }

  /** Consumes with GROUP until every key of EXPECTED has been seen; checks values, duplicates and strays. */
  static void consume(String bootstrap, String topic, String group, Set<String> expected, String name,
      long deadline) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-check-consumer-" + group);
    Map<String, Integer> seen = new HashMap<>();
    int bad = 0;
    int stray = 0;
    String firstBad = "";
    String problem = "";
    long t0 = System.nanoTime();
    try (KafkaConsumer<String, String> consumer =
             new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long quietUntil = Long.MAX_VALUE;
      while (before(deadline) && System.nanoTime() < quietUntil) {
        var batch = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, String> r : batch) {
          if (!expected.contains(r.key())) {
            stray++;
            continue;
          }
          seen.merge(r.key(), 1, Integer::sum);
          if (!value(r.key()).equals(r.value())) {
            if (bad++ == 0) {
              firstBad = r.key() + " -> " + r.value();
            }
          }
        }
        if (!batch.isEmpty()) {
          consumer.commitSync(Duration.ofSeconds(20));
        }
        if (quietUntil == Long.MAX_VALUE && seen.keySet().containsAll(expected)) {
          quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2); // keep polling a little: duplicates?
        }
      }
    } catch (Exception e) {
      problem = e.toString();
    }
    long dups = seen.values().stream().filter(n -> n > 1).count();
    int missing = (int) expected.stream().filter(k -> !seen.containsKey(k)).count();
    boolean ok = problem.isEmpty() && missing == 0 && bad == 0 && dups == 0 && stray == 0;
    check(name + " all " + expected.size() + " records, each once, values intact", ok, ok
        ? String.format("%.1f s", (System.nanoTime() - t0) / 1e9)
        : "missing " + missing + ", duplicated " + dups + ", wrong value " + bad + " " + firstBad
            + ", unexpected " + stray + (problem.isEmpty() ? "" : ", " + problem));
  }
}
