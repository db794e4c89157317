package till.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import till.platform.kafka.Topics;
import till.platform.security.Credentials;

/**
 * The whole of Till on one machine: PostgreSQL with a database and role per service, a KRaft Kafka broker with
 * the SPEC's topics, and the three services, each in its own JVM (or several: {@link Options#instances}, each on a
 * port of its own, all of a service in one consumer group). {@link #stop()} stops everything it started.
 * The data (PostgreSQL's data directory, the broker's log) lives in the work directory and outlives the stack: a
 * new start on the same directory resumes where the last one stopped or crashed.
 */
public final class Stack implements AutoCloseable {

    /**
     * Where to put things. {@code preferDefaultPorts}: the SPEC's ports when free (for people), else any.
     * {@code supervise}: a service JVM that dies by itself is restarted with a back-off. {@code instances}: JVMs per
     * service. {@code serviceEnv}: environment variables added to every service JVM's.
     */
    public record Options(
            Path root,
            Path workDir,
            boolean preferDefaultPorts,
            int partitions,
            Duration checkoutDeadline,
            boolean supervise,
            int instances,
            Map<String, String> serviceEnv) {

        public Options {
            if (instances < 1) {
                throw new IllegalArgumentException("instances must be at least 1, not " + instances);
            }
            serviceEnv = Map.copyOf(serviceEnv);
        }

        public Options(
                Path root,
                Path workDir,
                boolean preferDefaultPorts,
                int partitions,
                Duration checkoutDeadline,
                boolean supervise) {
            this(root, workDir, preferDefaultPorts, partitions, checkoutDeadline, supervise, 1, Map.of());
        }

        public Options(Path root, Path workDir, boolean preferDefaultPorts, int partitions, Duration checkoutDeadline) {
            this(root, workDir, preferDefaultPorts, partitions, checkoutDeadline, false);
        }

        /** {@code ./run stack}: {@code .stack/} under the project, the SPEC's ports, supervised. */
        public static Options forPeople(Path root) {
            return new Options(root, root.resolve(".stack"), true, 12, Duration.ofSeconds(30), true);
        }

        /**
         * A new, empty temporary work directory of its own, any free ports, unsupervised: for the demo, the
         * benchmarks and tests, which must never touch {@code .stack/}. {@link Stack#wipe} removes it.
         */
        public static Options throwAway(Path root) {
            try {
                return new Options(
                        root, Files.createTempDirectory("till-stack-"), false, 12, Duration.ofSeconds(30), false);
            } catch (IOException e) {
                throw new UncheckedIOException("no temporary directory for a throw-away stack", e);
            }
        }

        public Options supervised(boolean on) {
            return new Options(
                    root, workDir, preferDefaultPorts, partitions, checkoutDeadline, on, instances, serviceEnv);
        }

        /** {@code n} JVMs of every service; the SPEC's ports go to the first of each, the others get free ones. */
        public Options withInstances(int n, Map<String, String> env) {
            return new Options(root, workDir, preferDefaultPorts, partitions, checkoutDeadline, supervise, n, env);
        }
    }

    private final Options options;
    private final Consumer<String> say;
    private final List<Runnable> stops = new ArrayList<>();
    private final Map<TillService.Name, List<TillService>> services = new EnumMap<>(TillService.Name.class);
    /** Null until {@link #startAll} started them. */
    private @Nullable Postgres postgres;

    private @Nullable KafkaBroker kafka;

    private @Nullable Credentials credentials;

    private Stack(Options options, Consumer<String> say) {
        this.options = options;
        this.say = say;
    }

    public static Stack start(Options options, Consumer<String> say) {
        Stack stack = new Stack(options, say);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.stop();
            throw e;
        }
    }

    private void startAll() {
        Path work = options.workDir();
        WorkDirLock lock = WorkDirLock.acquire(work);
        stops.add(lock::close);
        stops.add(() -> deleteEnv(work.resolve("env")));
        Path logs = work.resolve("logs");
        credentials = RestCredentials.loadOrCreate(work);
        List<String> databases = List.of(TillService.Name.values()).stream()
                .map(TillService.Name::id)
                .toList();

        say.accept("starting PostgreSQL on " + work.resolve("postgres") + " ...");
        Postgres postgres = Postgres.start(work.resolve("postgres"), port(5432), databases);
        this.postgres = postgres;
        stops.add(postgres::stop);

        say.accept("starting Kafka (KRaft) on " + work.resolve("kafka") + " ...");
        KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"), port(9092), port(9093), logs);
        this.kafka = kafka;
        stops.add(kafka::stop);
        // Topics that exist (a new start on the same data) are left as they are. The operator creates them all
        // here, before any service starts: a service's identity may not create topics (KafkaAcls), so the services
        // are told not to declare them (SPRING_KAFKA_ADMIN_AUTO_CREATE below).
        kafka.createTopics(Topics.ALL, options.partitions());

        say.accept("starting inventory-service, ledger-service, checkout-service"
                + (options.instances() > 1 ? " (" + options.instances() + " of each)" : "") + " ...");
        Map<TillService.Name, List<TillService>> started = new EnumMap<>(TillService.Name.class);
        // One instance of each service at a time, started together and awaited together: three JVMs boot in
        // parallel on two cores (minutes on a busy machine); six at once would take longer than twice that.
        for (int instance = 1; instance <= options.instances(); instance++) {
            List<TillService> wave = new ArrayList<>();
            // Stopped together: a JVM that writes its AOT cache as it stops takes a while (ServiceJar).
            stops.add(() -> stopTogether(wave));
            for (TillService.Name name : TillService.Name.values()) {
                int port = instance == 1 ? port(name.defaultPort) : Ports.free();
                String prefix = name.envPrefix();
                Map<String, String> env = new LinkedHashMap<>();
                env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
                env.put(prefix + "_PORT", String.valueOf(port));
                env.put(prefix + "_JDBC_URL", postgres.jdbcUrl(name.id()));
                env.put(prefix + "_DB_USER", name.id());
                env.put(prefix + "_DB_PASSWORD", name.id());
                env.put("TILL_TOPICS_PARTITIONS", String.valueOf(options.partitions()));
                env.put("TILL_CHECKOUT_DEADLINE", options.checkoutDeadline().toMillis() + "ms");
                // Inventory reports a reservation held longer than a checkout's deadline and a minute (ADR 16).
                env.put(
                        "TILL_INVENTORY_RESERVATION_HOLDLIMIT",
                        options.checkoutDeadline().plusMinutes(1).toMillis() + "ms");
                // Loopback only: HTTP Basic passwords travel in the clear, never beyond this machine (docs/SPEC.md).
                env.put("SERVER_ADDRESS", "127.0.0.1");
                env.putAll(RestCredentials.environment(credentials()));
                // The service logs in to the broker as itself, and may do only what KafkaAcls grants it.
                env.putAll(kafka.credentials().service(name).springEnv());
                env.put("SPRING_KAFKA_ADMIN_AUTO_CREATE", "false");
                env.putAll(options.serviceEnv());
                String log = name.id() + "-service" + (instance == 1 ? "" : "-" + instance) + ".log";
                TillService service = new TillService(name, instance, options.root(), port, env, logs.resolve(log));
                service.start();
                wave.add(service);
                started.computeIfAbsent(name, n -> new ArrayList<>()).add(service);
            }
            for (TillService service : wave) {
                service.awaitReady(Duration.ofMinutes(5));
            }
        }
        started.forEach((name, instances) -> services.put(name, List.copyOf(instances)));
        if (options.supervise()) {
            allServices().forEach(service -> service.supervise(say));
        }
        writeEnv(work.resolve("env"));
    }

    private static void stopTogether(List<TillService> services) {
        List<Thread> stopping = services.stream()
                .map(service -> Thread.ofVirtual().start(service::stop))
                .toList();
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Deletes a stack's work directory: its data, its logs, everything. Refused while a stack runs on it. */
    public static void wipe(Path workDir) {
        try (WorkDirLock lock = WorkDirLock.acquire(workDir)) {
            Directories.delete(workDir);
        }
    }

    private KafkaBroker kafka() {
        KafkaBroker started = kafka;
        if (started == null) {
            throw new IllegalStateException("the stack's broker was never started");
        }
        return started;
    }

    private Postgres postgres() {
        Postgres started = postgres;
        if (started == null) {
            throw new IllegalStateException("the stack's PostgreSQL was never started");
        }
        return started;
    }

    private int port(int preferred) {
        return options.preferDefaultPorts() ? Ports.preferredOrFree(preferred) : Ports.free();
    }

    /** Stops the broker as an outage would, and {@link #startKafka()} brings it back on the same port and data. */
    public void stopKafka() {
        kafka().stop();
    }

    public void startKafka() {
        kafka().restart();
    }

    public String kafkaBootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** A Kafka client's settings to reach the broker as the operator, who may do anything. */
    public Map<String, Object> kafkaClientConfig() {
        return kafka().operatorConfig();
    }

    /** A Kafka client's settings to reach the broker as the service does, with only its ACLs. */
    public Map<String, Object> kafkaClientConfig(TillService.Name service) {
        KafkaBroker kafka = kafka();
        return kafka.credentials().service(service).clientConfig(kafka.bootstrapServers());
    }

    /** The broker JVM's process id. */
    public long kafkaPid() {
        return kafka().pid();
    }

    /** PostgreSQL's postmaster; every backend and auxiliary process is its child. */
    public long postgresPid() {
        return postgres().pid();
    }

    public Options options() {
        return options;
    }

    /** The service's first instance (its only one unless {@link Options#instances} says otherwise). */
    public TillService service(TillService.Name name) {
        return instances(name).getFirst();
    }

    /** Every instance of the service, the first first. */
    public List<TillService> instances(TillService.Name name) {
        List<TillService> instances = services.get(name);
        if (instances == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return instances;
    }

    /** Every instance of every service. */
    public List<TillService> allServices() {
        return services.values().stream().flatMap(List::stream).toList();
    }

    /** The REST identities of this stack's services, the same on every start on its work directory. */
    public Credentials credentials() {
        Credentials made = credentials;
        if (made == null) {
            throw new IllegalStateException("the stack was never started");
        }
        return made;
    }

    public String jdbcUrl(TillService.Name name) {
        return postgres().jdbcUrl(name.id());
    }

    /** What {@code .stack/env} holds: everything a person or a tool needs to reach the stack. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka().bootstrapServers());
        env.put("CHECKOUT_URL", service(TillService.Name.CHECKOUT).url());
        env.put("INVENTORY_URL", service(TillService.Name.INVENTORY).url());
        env.put("LEDGER_URL", service(TillService.Name.LEDGER).url());
        for (TillService.Name name : TillService.Name.values()) {
            env.put(name.envPrefix() + "_JDBC_URL", postgres().jdbcUrl(name.id()));
            env.put(name.envPrefix() + "_DB_USER", name.id());
            env.put(name.envPrefix() + "_DB_PASSWORD", name.id());
        }
        env.putAll(RestCredentials.environment(credentials()));
        env.put("LOGS", options.workDir().resolve("logs").toString());
        KafkaLogin operator = kafka().credentials().operator();
        env.put("KAFKA_SECURITY_PROTOCOL", KafkaLogin.SECURITY_PROTOCOL);
        env.put("KAFKA_SASL_MECHANISM", KafkaLogin.MECHANISM);
        env.put("KAFKA_OPERATOR_USER", operator.user());
        env.put("KAFKA_OPERATOR_PASSWORD", operator.password());
        return env;
    }

    private void writeEnv(Path file) {
        StringBuilder text = new StringBuilder("# Written by ./run stack; valid while it runs.\n");
        env().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        // It holds the REST and Kafka passwords.
        PrivateFiles.write(file, text.toString());
    }

    private static void deleteEnv(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + file, e);
        }
    }

    /** Stops everything in reverse order of start; safe to call twice. */
    public synchronized void stop() {
        for (int i = stops.size() - 1; i >= 0; i--) {
            try {
                stops.get(i).run();
            } catch (RuntimeException e) {
                System.err.println("while stopping: " + e);
            }
        }
        stops.clear();
    }

    @Override
    public void close() {
        stop();
    }
}
