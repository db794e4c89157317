package till.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.jspecify.annotations.Nullable;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), run from Maven
 * Central's {@code kafka_2.13} in its own JVM. Its storage is formatted (as {@code kafka-storage.sh format} does)
 * only when it has none yet: a new start keeps the cluster id, the node id, the topics and the consumers' offsets,
 * and Kafka recovers its log after a kill.
 *
 * <p>Nobody reaches it without logging in. Clients (and the broker itself, between its listeners) use SASL/SCRAM-SHA-512
 * with the identities of {@link KafkaCredentials}, created in the metadata log when the storage is formatted; the
 * controller listener uses SASL/PLAIN with the broker's identity (KRaft cannot check SCRAM there: the credentials
 * live in the metadata the controller serves). The StandardAuthorizer denies whatever no ACL allows
 * ({@link KafkaAcls}); the operator and the broker are super users.
 */
final class KafkaBroker {

    private final int port;
    private final Path config;
    private final Path logs;
    private final KafkaCredentials credentials;

    /** Where the credentials are kept once the log has them; null when it has had them from the start. */
    private @Nullable Path credentialsToStore;

    /** The broker's JVM; null until {@link #launch} first started it. */
    private @Nullable ChildProcess process;

    private KafkaBroker(
            int port, Path config, Path logs, KafkaCredentials credentials, @Nullable Path credentialsToStore) {
        this.port = port;
        this.config = config;
        this.logs = logs;
        this.credentials = credentials;
        this.credentialsToStore = credentialsToStore;
    }

    static KafkaBroker start(Path dir, int port, int controllerPort, Path logs) {
        Path data = dir.resolve("data");
        Path config = dir.resolve("server.properties");
        Path passwords = dir.resolve("credentials.properties");
        boolean formatted = Files.exists(data.resolve("meta.properties"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean kept = Files.exists(passwords);
        KafkaCredentials credentials = kept ? KafkaCredentials.load(passwords) : KafkaCredentials.generate();
        KafkaLogin broker = credentials.broker();
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "CLIENTS://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "CLIENTS://127.0.0.1:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "CLIENTS"),
                Map.entry("listener.security.protocol.map", "CLIENTS:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT"),
                Map.entry("listener.name.clients.sasl.enabled.mechanisms", KafkaLogin.MECHANISM),
                Map.entry("sasl.mechanism.inter.broker.protocol", KafkaLogin.MECHANISM),
                Map.entry("listener.name.clients.scram-sha-512.sasl.jaas.config", broker.jaasConfig()),
                Map.entry("listener.name.controller.sasl.enabled.mechanisms", "PLAIN"),
                Map.entry("sasl.mechanism.controller.protocol", "PLAIN"),
                Map.entry("listener.name.controller.plain.sasl.jaas.config", plainJaasConfig(broker, true)),
                Map.entry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"),
                Map.entry("super.users", "User:" + credentials.operator().user() + ";User:" + broker.user()),
                Map.entry("log.dirs", data.toString()),
                // As many request handlers as cores, and two network threads: Kafka's defaults (8 and 3) are for a
                // broker with a machine of its own; here it shares two cores with three services and PostgreSQL.
                Map.entry(
                        "num.io.threads",
                        String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors()))),
                Map.entry("num.network.threads", "2"),
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
        // A log without the passwords' file (made before the broker required SASL, or the file was lost) has no SCRAM
        // credential these passwords match, so no one could log in to store them: on this start only, the clients'
        // listener also takes SASL/PLAIN for the broker's identity (a super user), checked against this file, not
        // the log (credentialsStored). The controller listener cannot serve it: KRaft does not take that Admin API
        // there. The next start writes this file without it.
        boolean recovering = formatted && !kept;
        if (recovering) {
            props.put("listener.name.clients.sasl.enabled.mechanisms", KafkaLogin.MECHANISM + ",PLAIN");
            props.put("listener.name.clients.plain.sasl.jaas.config", plainJaasConfig(broker, true));
        }
        // Rewritten on every start: the ports may differ; the storage stays. It holds passwords.
        PrivateFiles.writeProperties(config, props, "Till embedded stack: single-node KRaft broker");
        if (!formatted) {
            // Never formatted, or a format cut short: nothing was ever written to it. Kept before the format that
            // puts them into the log, so a format cut short is done again with the same passwords.
            if (!kept) {
                credentials.save(passwords);
            }
            Directories.delete(data);
            format(config, credentials, logs);
        }
        // The recovering log gets new passwords as it starts, and the file only once the log has them.
        KafkaBroker kafka = new KafkaBroker(port, config, logs, credentials, recovering ? passwords : null);
        kafka.launch(Duration.ofSeconds(90));
        // On every start, so a new start on older data gets today's grants; granting again what is granted is a no-op.
        kafka.grant(KafkaAcls.bindings(credentials));
        return kafka;
    }

    private static void format(Path config, KafkaCredentials credentials, Path logs) {
        List<String> jvm = List.of("-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"));
        List<String> args = new ArrayList<>(List.of(
                "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
        // Every identity's SCRAM credential goes into the metadata log with the format: the broker needs its own
        // before it can serve anyone, and no client could log in to add the others. StorageTool takes them only on
        // its command line, which this machine's other users could list for the second it runs: loopback, one user.
        for (KafkaLogin login : credentials.all()) {
            args.addAll(List.of(
                    "--add-scram",
                    KafkaLogin.MECHANISM + "=[name=" + login.user() + ",password=" + login.password() + "]"));
        }
        ChildProcess format =
                ChildProcess.startJava("kafka-storage-format", jvm, args, Map.of(), logs.resolve("kafka-format.log"));
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
        started.awaitReady(() -> credentialsStored() && answers(), timeout);
    }

    /**
     * Puts every identity's SCRAM credential into a log that lacks them, through the clients' listener as the broker
     * with SASL/PLAIN (a super user, checked against the password in server.properties, not against the log, and
     * offered on a recovering start only): no identity of the log could log in with SCRAM yet.
     */
    private boolean credentialsStored() {
        Path store = credentialsToStore;
        if (store == null) {
            return true;
        }
        if (!Ports.accepts(port)) {
            return false;
        }
        KafkaLogin broker = credentials.broker();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG,
                KafkaLogin.SECURITY_PROTOCOL,
                SaslConfigs.SASL_MECHANISM,
                "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG,
                plainJaasConfig(broker, false),
                // The admin client refuses a default API timeout shorter than its request timeout (30 s unless set).
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                "5000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                "10000"))) {
            admin.alterUserScramCredentials(credentials.all().stream()
                            .map(login -> (UserScramCredentialAlteration) new UserScramCredentialUpsertion(
                                    login.user(),
                                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                                    login.password()))
                            .toList())
                    .all()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception notYet) {
            // The controller may still be starting: asked again at the next readiness check, until the launch's
            // timeout; said, in case it is not that.
            System.err.println("kafka: the SCRAM credentials are not stored yet: " + notYet
                    + (notYet.getCause() == null ? "" : " (" + notYet.getCause() + ")"));
            return false;
        }
        credentials.save(store);
        credentialsToStore = null;
        return true;
    }

    /** The broker's SASL/PLAIN login (controller listener; clients' when recovering); {@code server}: also the password it checks. */
    private static String plainJaasConfig(KafkaLogin broker, boolean server) {
        return PlainLoginModule.class.getName() + " required username=\"" + broker.user() + "\" password=\""
                + broker.password() + "\"" + (server ? " user_" + broker.user() + "=\"" + broker.password() + "\"" : "")
                + ";";
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

    KafkaCredentials credentials() {
        return credentials;
    }

    /** A client's settings to reach this broker as the operator, who may do anything. */
    Map<String, Object> operatorConfig() {
        return credentials.operator().clientConfig(bootstrapServers());
    }

    /** Creates the topics that do not exist yet, as the operator. */
    void createTopics(List<String> names, int partitions) {
        try (Admin admin = Admin.create(operatorConfig())) {
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

    private void grant(List<AclBinding> bindings) {
        try (Admin admin = Admin.create(operatorConfig())) {
            admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not create the services' ACLs", e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not create the services' ACLs", e);
        }
    }

    private boolean answers() {
        if (!Ports.accepts(port)) {
            return false;
        }
        Map<String, Object> config = new HashMap<>(operatorConfig());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(config)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    void stop() {
        running().stop();
    }
}
