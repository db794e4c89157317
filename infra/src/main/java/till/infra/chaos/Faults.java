package till.infra.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import till.infra.stack.ChildProcess;
import till.infra.stack.Stack;
import till.infra.stack.TillService;
import till.platform.kafka.Topics;

/**
 * The faults, one after the other on a schedule drawn from the run's seed: first every kind once in a seeded
 * order, then seeded kinds until the load ends. Each is real: a signal to a process, a backend terminated in
 * PostgreSQL, records sent by Kafka's console producer. The run waits only for what the next fault needs (the broker
 * back before anything else); the stack heals the rest itself: the supervisor restarts killed instances.
 */
final class Faults {

    /** Past the consumers' session timeout (10 s, platform's defaults): the group moves the partitions away. */
    static final Duration ZOMBIE_SLEEP = Duration.ofSeconds(16);

    private final Stack stack;
    private final Shop shop;
    private final Random random;
    private final KafkaConsole console;
    private final Consumer<String> say;
    private final Map<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);
    private int poisonSent;

    Faults(Stack stack, Shop shop, Random random, KafkaConsole console, Consumer<String> say) {
        this.stack = stack;
        this.shop = shop;
        this.random = random;
        this.console = console;
        this.say = say;
    }

    /** Injects faults until every kind was injected once and {@code loadRunning} no longer holds. */
    void run(BooleanSupplier loadRunning) {
        List<FaultKind> firstRound = new ArrayList<>(List.of(FaultKind.values()));
        Collections.shuffle(firstRound, random);
        // Bounded: a run of m minutes injects at most one fault every two seconds.
        for (int n = 0; n < 1_000; n++) {
            boolean firstRoundDone = n >= firstRound.size();
            if (firstRoundDone && !loadRunning.getAsBoolean()) {
                return;
            }
            Pause.of(Duration.ofMillis(2_000 + random.nextInt(4_000)));
            FaultKind kind =
                    firstRoundDone ? FaultKind.values()[random.nextInt(FaultKind.values().length)] : firstRound.get(n);
            inject(kind);
        }
    }

    Map<FaultKind, Integer> injected() {
        return Map.copyOf(injected);
    }

    int total() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }

    private void inject(FaultKind kind) {
        String what = switch (kind) {
            case KILL_CHECKOUT -> kill(TillService.Name.CHECKOUT);
            case KILL_INVENTORY -> kill(TillService.Name.INVENTORY);
            case KILL_LEDGER -> kill(TillService.Name.LEDGER);
            case KILL_BROKER -> killBroker();
            case ZOMBIE -> zombie();
            case DATABASE_CONNECTIONS -> terminateBackends();
            case DUPLICATES -> duplicates();
            case POISON -> poison();
        };
        injected.merge(kind, 1, Integer::sum);
        say.accept("fault: " + what);
    }

    private TillService anyInstance(TillService.Name name) {
        List<TillService> instances = stack.instances(name);
        return instances.get(random.nextInt(instances.size()));
    }

    /** kill -9 from outside, as the kernel's OOM killer would: the stack's supervisor restarts it. */
    private String kill(TillService.Name name) {
        TillService instance = anyInstance(name);
        long pid = instance.pid();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        return "kill -9 " + instance.label() + " (pid " + pid + ")";
    }

    /** kill -9 of the broker JVM; after a seeded outage it starts again on the same port and log. */
    private String killBroker() {
        long pid = stack.kafkaPid();
        ProcessHandle broker = ProcessHandle.of(pid).orElseThrow();
        broker.destroyForcibly();
        awaitGone(broker);
        Duration outage = Duration.ofMillis(2_000 + random.nextInt(4_000));
        Pause.of(outage);
        stack.startKafka();
        return "kill -9 Kafka broker (pid " + pid + "), down " + outage.toSeconds() + " s, restarted (pid "
                + stack.kafkaPid() + ")";
    }

    /**
     * SIGSTOP of an instance for longer than its consumers' session timeout: the group gives its partitions to the
     * other instance. On SIGCONT it carries on with the records it had polled and the transactions it had open: a
     * zombie, which the inbox, the row locks and the advisory locks must fence.
     */
    private String zombie() {
        TillService.Name name = TillService.Name.values()[random.nextInt(TillService.Name.values().length)];
        TillService instance = anyInstance(name);
        long pid = instance.pid();
        Duration sleep = ZOMBIE_SLEEP.plusMillis(random.nextInt(6_000));
        signal("STOP", pid);
        try {
            Pause.of(sleep);
        } finally {
            signal("CONT", pid);
        }
        return "SIGSTOP " + instance.label() + " (pid " + pid + ") for " + sleep.toSeconds() + " s, then SIGCONT";
    }

    private static void signal(String signal, long pid) {
        if (!ChildProcess.signal(signal, pid)) {
            // Gone in the meantime (killed by another fault): nothing left to stop or wake.
            System.err.println("chaos: kill -" + signal + " " + pid + " did not succeed");
        }
    }

    /**
     * Every backend of one service's role, terminated from a session of that role (a role may end its own
     * backends): the pools, the relay's lease and the LISTEN connection all lose their sessions mid-flight.
     */
    private String terminateBackends() {
        TillService.Name name = TillService.Name.values()[random.nextInt(TillService.Name.values().length)];
        String sql = """
                SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))
                FROM pg_stat_activity
                WHERE usename = current_user AND pid <> pg_backend_pid()
                """;
        try (Connection connection = DriverManager.getConnection(stack.jdbcUrl(name), name.id(), name.id());
                PreparedStatement terminate = connection.prepareStatement(sql);
                ResultSet count = terminate.executeQuery()) {
            count.next();
            return "pg_terminate_backend on " + count.getInt(1) + " backends of " + name.id() + "-service";
        } catch (SQLException e) {
            throw new IllegalStateException("could not terminate " + name.id() + "'s backends", e);
        }
    }

    /** A few records already on each command and reply topic, sent again as they are: same key, same CloudEvent id. */
    private String duplicates() {
        int sent = 0;
        for (String topic : Topics.CONSUMED) {
            List<ConsumerRecord<String, String>> seen = console.readAll(topic);
            if (seen.isEmpty()) {
                continue;
            }
            List<KafkaConsole.Line> again = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ConsumerRecord<String, String> record = seen.get(random.nextInt(seen.size()));
                again.add(new KafkaConsole.Line(record.key(), record.value()));
            }
            console.produce(topic, again);
            sent += again.size();
        }
        return sent + " duplicates sent to " + String.join(", ", Topics.CONSUMED) + " with kafka-console-producer";
    }

    /** A record that is not JSON and a CloudEvent of a type nobody knows: each must end in the DLT with a reason. */
    private String poison() {
        String topic = Topics.CONSUMED.get(random.nextInt(Topics.CONSUMED.size()));
        String notJson = "chaos-poison-" + poisonSent++;
        String unknownType = "chaos-poison-" + poisonSent++;
        String event = """
                {"specversion":"1.0","id":"%s","type":"till.chaos.NoSuchType","source":"/chaos","subject":"%s",\
                "time":"%s","datacontenttype":"application/json","data":{"chaos":true}}""".formatted(UUID.randomUUID(), unknownType, Instant.now());
        console.produce(
                topic,
                List.of(
                        new KafkaConsole.Line(notJson, "{\"specversion\": \"1.0\", \"id\": not json"),
                        new KafkaConsole.Line(unknownType, event)));
        shop.poison.add(new Shop.Poison(topic, notJson));
        shop.poison.add(new Shop.Poison(topic, unknownType));
        return "2 poison records sent to " + topic + " with kafka-console-producer";
    }

    private static void awaitGone(ProcessHandle process) {
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("process " + process.pid() + " did not die", e);
        }
    }
}
