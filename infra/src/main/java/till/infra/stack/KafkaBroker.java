package till.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jspecify.annotations.Nullable;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), run from Maven
 * Central's {@code kafka_2.13} in its own JVM. Its storage is formatted (as {@code kafka-storage.sh format} does)
 * only when it has none yet: a new start keeps the cluster id, the node id, the topics and the consumers' offsets,
 * and Kafka recovers its log after a kill.
 */
final class KafkaBroker {

    private final int port;
    private final Path config;
    private final Path logs;
    /** The broker's JVM; null until {@link #launch} first started it. */
    private @Nullable ChildProcess process;

    private KafkaBroker(int port, Path config, Path logs) {
        this.port = port;
        this.config = config;
        this.logs = logs;
    }

    static KafkaBroker start(Path dir, int port, int controllerPort, Path logs) {
        Path data = dir.resolve("data");
        Path config = dir.resolve("server.properties");
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", data.toString()),
                Map.entry("num.partitions", "12"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "12"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("log.segment.bytes", String.valueOf(64 * 1024 * 1024)),
                // What an acknowledged record means here (docs/runbook.md): one broker, so acks=all is this
                // broker's log; flushed by the operating system's page cache, so it survives a kill of any process
                // but a power cut may lose the last seconds, which the outboxes still hold as unacknowledged rows.
                Map.entry("min.insync.replicas", "1"),
                Map.entry("unclean.leader.election.enable", "false")));
        try {
            Files.createDirectories(dir);
            // Rewritten on every start: the ports may differ; the storage stays.
            try (var out = Files.newBufferedWriter(config)) {
                props.store(out, "Till embedded stack: single-node KRaft broker");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Files.exists(data.resolve("meta.properties"))) {
            // Never formatted, or a format cut short: nothing was ever written to it.
            Directories.delete(data);
            format(config, logs);
        }
        KafkaBroker kafka = new KafkaBroker(port, config, logs);
        kafka.launch(Duration.ofSeconds(90));
        return kafka;
    }

    private static void format(Path config, Path logs) {
        List<String> jvm = List.of("-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"));
        ChildProcess format = ChildProcess.startJava(
                "kafka-storage-format",
                jvm,
                List.of(
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        Uuid.randomUuid().toString(),
                        "-c",
                        config.toString()),
                Map.of(),
                logs.resolve("kafka-format.log"));
        format.awaitSuccess(Duration.ofSeconds(60));
    }

    private void launch(Duration timeout) {
        ChildProcess started = ChildProcess.startJava(
                "kafka",
                List.of("-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")),
                List.of(KafkaMain.class.getName(), config.toString()),
                Map.of(),
                logs.resolve("kafka.log"));
        process = started;
        started.awaitReady(this::answers, timeout);
    }

    /** Starts the stopped broker again on the same port and data: for outage tests. */
    void restart() {
        running().stop();
        // After a kill -9 the broker first recovers every partition's log, on a machine that is busy catching up.
        launch(Duration.ofMinutes(5));
    }

    long pid() {
        return running().pid();
    }

    private ChildProcess running() {
        ChildProcess launched = process;
        if (launched == null) {
            throw new IllegalStateException("the broker was never started");
        }
        return launched;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Creates the topics that do not exist yet. */
    void createTopics(List<String> names, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            for (String name : names) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + name, e.getCause());
                    }
                }
            }
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not create topics", e);
        }
    }

    private boolean answers() {
        if (!Ports.accepts(port)) {
            return false;
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000"))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    void stop() {
        running().stop();
    }
}
