package till.infra.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.springframework.util.FileSystemUtils;
import till.infra.bench.CheckoutSystem.Line;
import till.infra.bench.Load.Sale;
import till.infra.demo.Callers;
import till.infra.demo.TillClient;
import till.infra.stack.Stack;
import till.infra.stack.TillService;

/**
 * {@code ./run bench checkout}: Till beside the synchronous checkout it replaces, in one run on one machine. Both
 * are seeded alike, warmed up alike, then driven by the same sales from the same number of tills, one system at a
 * time so that the PostgreSQL they share works for one of them in each phase. Prints one table, and keeps it, its
 * figures and a chart of latency against throughput in {@code target/bench/} ({@link CheckoutReport}).
 */
public final class CheckoutLatencyBench {

    private static final int PRODUCTS = 200;
    private static final int CUSTOMERS = 500;
    private static final String HOT_PRODUCT = "hot";
    private static final long STOCK = 10_000_000;
    private static final long CREDIT = 1_000_000_000_000L;

    /** What a run does; {@code rates} empty: {@link #SWEEP} of the slower system's throughput with 16 tills. */
    record Options(int checkouts, int warmup, Duration warmupLimit, Duration phaseLimit, List<Double> rates) {

        static final String USAGE =
                "usage: ./run bench checkout [--checkouts N] [--warmup N] [--warmup-seconds W] [--seconds S]"
                        + " [--rates R1,R2,..]\n"
                        + "  --checkouts N       sales per scenario and system (default 2000), within S seconds\n"
                        + "  --warmup N          unmeasured sales per system first, in rounds of " + WARM_ROUND
                        + " until two rounds in a row spend under " + Math.round(WARM_JIT_SHARE * 100)
                        + "% of the system's CPU"
                        + " compiling, at most N (default 100000) within W seconds (default 300)\n"
                        + "  --seconds S         time limit of each measured phase, and each open loop's length"
                        + " (default 20)\n"
                        + "  --rates R,..        the open loops' sales per second (default: 25, 50, 75 and 90% of the"
                        + " slower system's throughput from 16 tills); --rate R: one open loop";

        static Options parse(String[] args) {
            Options options = new Options(2_000, 100_000, Duration.ofSeconds(300), Duration.ofSeconds(20), List.of());
            for (int i = 0; i + 1 < args.length; i += 2) {
                String value = args[i + 1];
                Options o = options;
                options = switch (args[i]) {
                    case "--checkouts" ->
                        new Options(Integer.parseInt(value), o.warmup, o.warmupLimit, o.phaseLimit, o.rates);
                    case "--warmup" ->
                        new Options(o.checkouts, Integer.parseInt(value), o.warmupLimit, o.phaseLimit, o.rates);
                    case "--warmup-seconds" ->
                        new Options(o.checkouts, o.warmup, seconds(value), o.phaseLimit, o.rates);
                    case "--seconds" -> new Options(o.checkouts, o.warmup, o.warmupLimit, seconds(value), o.rates);
                    case "--rate", "--rates" ->
                        new Options(
                                o.checkouts,
                                o.warmup,
                                o.warmupLimit,
                                o.phaseLimit,
                                Stream.of(value.split(","))
                                        .map(Double::parseDouble)
                                        .toList());
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
                };
            }
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException("every option takes a value\n" + USAGE);
            }
            if (options.rates.size() > MAX_OPEN_LOOPS) {
                throw new IllegalArgumentException("at most " + MAX_OPEN_LOOPS + " rates\n" + USAGE);
            }
            return options;
        }

        private static Duration seconds(String value) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
    }

    /**
     * The warm-up's rounds: sales per round, and the share of a round's CPU spent in the JIT compilers below which
     * the system counts as warm. A Till round of 500 sales takes 5 to 15 s; the share falls from about a third in
     * the first round to a few percent once the hot paths are compiled (ADR 5, round 9). Two rounds in a row must
     * be under it: sync-checkout's rounds take one to three seconds, and one of them could fall under it in a lull
     * while the next compiled at 40% again (ADR 5, round 12).
     */
    static final int WARM_ROUND = 500;

    static final double WARM_JIT_SHARE = 0.03;

    /** How often the polling till of (a) asks: issue 19's till polled every 50 ms. */
    private static final Duration POLL_EVERY = Duration.ofMillis(50);

    /**
     * The open loops' default rates, as shares of the slower system's throughput with 16 tills: from light load up
     * to near its saturation, the same rates for both systems, so that each point compares them under one load.
     */
    private static final List<Double> SWEEP = List.of(0.25, 0.5, 0.75, 0.9);

    private static final int MAX_OPEN_LOOPS = 6;

    private final Options options;
    private final List<Phase> phases = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<Cpu.Processes, Double> idleShares = new HashMap<>();
    /** Per phase: PostgreSQL's core-ms per confirmed checkout by kind of process. */
    private final List<String> postgresByKind = new ArrayList<>();
    /** Per phase: the share of its CPU the system's JIT compilers used. */
    private final List<String> jitShares = new ArrayList<>();
    /** Per phase of a system of several processes: each one's core-ms per confirmed checkout. */
    private final List<String> cpuByProcess = new ArrayList<>();
    /** With --profile, per phase: statements per confirmed checkout, by database. */
    private final List<String> statementsByDatabase = new ArrayList<>();
    /** Per phase: transactions committed per confirmed checkout, by database. */
    private final List<String> commitsByDatabase = new ArrayList<>();
    /** Per phase that wrote to Kafka: records per confirmed checkout, by topic. */
    private final List<String> recordsByTopic = new ArrayList<>();
    /** Per phase whose relays committed Kafka transactions: offsets holding no record (markers), by topic. */
    private final List<String> markersByTopic = new ArrayList<>();
    /** The operator's Kafka client settings, to read the topics' end offsets, once the stack is up. */
    private Map<String, Object> kafkaOperator = Map.of();
    /** With --profile: where to read pg_stat_statements, once the stack is up. */
    private Optional<String> statementsUrl = Optional.empty();
    /** Where to read pg_stat_database (the superuser's connection), once the stack is up. */
    private String superuserUrl = "";
    /** When the measured phases ran: the samples a profile counts. */
    private Profile.Window measured = new Profile.Window(Instant.EPOCH, Instant.EPOCH);

    /**
     * Set by {@code ./run bench checkout --profile}: every JVM records a flight recording into this folder and
     * PostgreSQL loads {@code pg_stat_statements}.
     */
    private static final Optional<Path> PROFILE =
            Optional.ofNullable(System.getenv("TILL_PROFILE")).map(Path::of);

    private CheckoutLatencyBench(Options options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path root =
                Path.of(System.getProperty("till.root", ".")).toAbsolutePath().normalize();
        // A stack of its own, thrown away: never the people's .stack/.
        Path work = root.resolve("infra/target/checkout-bench");
        deleteRecursively(work);
        Stack.Options stackOptions = new Stack.Options(root, work, false, 12, Duration.ofSeconds(30));
        CheckoutLatencyBench bench = new CheckoutLatencyBench(options);
        try (Stack stack = Stack.start(stackOptions, line -> say(line));
                TillClient cashier = new TillClient(stack.credentials().cashier());
                TillClient admin = new TillClient(stack.credentials().admin())) {
            Runtime.getRuntime().addShutdownHook(new Thread(stack::stop));
            bench.run(root, work, stack, new Callers(cashier, admin));
            say("stopping (logs in " + root.relativize(work.resolve("logs")) + ")");
        }
        // The JVMs wrote their flight recordings as they exited.
        PROFILE.ifPresent(dir -> System.out.println("\nWhere the CPU went in each JVM in the measured phases (JDK"
                + " Flight Recorder, " + dir + "):\n" + Profile.recordings(dir, bench.measured)));
        System.exit(0);
    }

    private void run(Path root, Path work, Stack stack, Callers callers) {
        String checkoutJdbcUrl = stack.jdbcUrl(TillService.Name.CHECKOUT);
        String server = checkoutJdbcUrl.substring(0, checkoutJdbcUrl.lastIndexOf('/') + 1);
        long postmaster = stack.postgresPid();
        kafkaOperator = stack.kafkaClientConfig();
        notes.add("PostgreSQL, shared by both systems: fsync=%s, synchronous_commit=%s"
                .formatted(setting(server + "postgres", "fsync"), setting(server + "postgres", "synchronous_commit")));
        // Till's JVMs are this JVM's children so far: the three services and the broker.
        Set<Long> tillJvms = ProcessHandle.current()
                .children()
                .filter(p -> p.info().command().orElse("").endsWith("/java"))
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
        if (tillJvms.size() < 4) {
            throw new IllegalStateException("expected at least 4 JVMs (3 services, 1 broker), found " + tillJvms);
        }
        notes.add("Till's CPU is counted over %d JVMs (the services and the broker) and PostgreSQL; sync's over 1 JVM"
                        .formatted(tillJvms.size())
                + " and PostgreSQL");
        say("starting sync-checkout on the same PostgreSQL ...");
        try (SyncCheckoutProcess syncProcess =
                SyncCheckoutProcess.start(root, server, work.resolve("logs/sync-checkout.log"), callers.admin())) {
            Runtime.getRuntime().addShutdownHook(new Thread(syncProcess::close));
            SyncCheckouts sync = new SyncCheckouts(
                    callers, syncProcess.url(), new Cpu.Processes(Set.of(syncProcess.pid()), postmaster));
            TillCheckouts till = new TillCheckouts(
                    callers,
                    stack.service(TillService.Name.CHECKOUT).url(),
                    stack.service(TillService.Name.INVENTORY).url(),
                    stack.service(TillService.Name.LEDGER).url(),
                    new Cpu.Processes(tillJvms, postmaster));
            List<CheckoutSystem> systems = List.of(sync, till);
            for (CheckoutSystem system : systems) {
                say("seeding " + system.name() + ": " + (PRODUCTS + 1) + " products, " + CUSTOMERS + " customers ...");
                seed(system);
            }
            warmUp(systems);
            String postgres = server + "postgres";
            superuserUrl = postgres;
            PROFILE.ifPresent(dir -> Profile.resetStatements(postgres));
            statementsUrl = PROFILE.map(dir -> postgres);
            Instant from = Instant.now();
            measure(systems, till, stack);
            measured = new Profile.Window(from, Instant.now());
            PROFILE.ifPresent(dir -> notes.add("the statements that took the most PostgreSQL time in the measured"
                    + " phases, both systems (pg_stat_statements):\n" + Profile.statements(postgres, 20)));
        }
        print();
    }

    /**
     * Sells in rounds of {@link #WARM_ROUND} until two rounds in a row spend less than {@link #WARM_JIT_SHARE} of the
     * system's CPU in its JIT compilers, or the sales or the time allowed run out. A JVM runs its framework code
     * interpreted and then profiled until each path is called thousands of times; a Till sale crosses four JVMs and
     * many more paths than a synchronous one, so a fixed count of sales leaves it half compiled, and its measured
     * phases then pay for the compiling (ADR 5, round 9).
     *
     * <p>Each round runs every measured phase's shape, in their order ({@link #warmRound}). A warm-up of one shape
     * left code compiled for it alone: the first phase of another shape (a till polling instead of waiting, 64 tills
     * instead of 16, an open loop) met types and branches the compiled code had never seen, was deoptimised, and the
     * phases after it paid for compiling again (ADR 5, round 12).
     */
    private void warmUp(List<CheckoutSystem> systems) {
        List<String> done = new ArrayList<>();
        for (CheckoutSystem system : systems) {
            say("warming up " + system.name() + " ...");
            Cpu.Processes processes = system.processes();
            long deadline = System.nanoTime() + options.warmupLimit().toNanos();
            int sold = 0;
            double seconds = 0;
            List<String> shares = new ArrayList<>();
            int coolRounds = 0;
            boolean warm = false;
            while (!warm && sold < options.warmup() && System.nanoTime() < deadline) {
                double cpu = processes.coreMillis();
                double jit = processes.jitCoreMillis();
                Phase round = warmRound(system, sold, Math.min(WARM_ROUND, options.warmup() - sold), deadline);
                double share = (processes.jitCoreMillis() - jit) / Math.max(1, processes.coreMillis() - cpu);
                sold += round.checkouts();
                seconds += round.seconds();
                shares.add("%.0f%%".formatted(share * 100));
                coolRounds = share < WARM_JIT_SHARE && round.checkouts() > 0 ? coolRounds + 1 : 0;
                warm = coolRounds == 2;
            }
            done.add("%s %s after %d in %.0f s (JIT share of each round's CPU: %s)"
                    .formatted(system.name(), warm ? "warm" : "NOT WARM", sold, seconds, String.join(", ", shares)));
            settle(processes);
        }
        notes.add(("warm-up, not counted: rounds of %d sales, each in every measured phase's shape in their order (%s)"
                        + " until two rounds in a row spend under %.0f%% of the system's CPU in the JIT compilers, at most %d sales"
                        + " in %d s: %s")
                .formatted(
                        WARM_ROUND,
                        WARM_SHAPES,
                        WARM_JIT_SHARE * 100,
                        options.warmup(),
                        options.warmupLimit().toSeconds(),
                        String.join("; ", done)));
        List<String> idle = new ArrayList<>();
        for (CheckoutSystem system : systems) {
            idle.add("%s %.0f%%".formatted(system.name(), idleShare(system.processes()) * 100));
        }
        notes.add("idle: the processes counted for each system use, of one core, at rest: " + String.join(", ", idle)
                + " (included in the CPU per checkout, as it would be in a shop)");
    }

    /** The warm-up's open loop: sales a second, below either system's throughput on this machine. */
    private static final int WARM_OPEN_RATE = 50;

    /** What {@link #warmRound} runs, for the report. */
    private static final String WARM_SHAPES = "per 100: 4 one-line sales from 1 till, 2 from 1 till polling every"
            + " 50 ms (Till only), 40 two-line sales from 16 tills, 40 on the hot product from 64 tills, the rest"
            + " two-line in an open loop at " + WARM_OPEN_RATE + "/s";

    /**
     * {@code size} sales in the shape of each measured phase in turn: (a) one till, and for Till the till that polls,
     * (b) 16 tills, (c) 64 tills on the hot product, (d) an open loop. Returns the round as one phase (its sales and
     * its time).
     */
    private Phase warmRound(CheckoutSystem system, int offset, int size, long deadline) {
        int oneTill = size * 4 / 100;
        int polled = size * 2 / 100;
        int sixteen = size * 40 / 100;
        int hot = size * 40 / 100;
        int open = size - oneTill - polled - sixteen - hot;
        List<Phase> parts = new ArrayList<>();
        parts.add(Load.closed(system, "warm-up", 1, oneTill, left(deadline), i -> oneLine(offset + i)));
        if (system instanceof TillCheckouts till) {
            parts.add(Load.closed(
                    till.polling(POLL_EVERY), "warm-up", 1, polled, left(deadline), i -> oneLine(offset + i)));
        } else {
            open += polled;
        }
        parts.add(Load.closed(system, "warm-up", 16, sixteen, left(deadline), i -> twoLines(offset + i)));
        parts.add(Load.closed(system, "warm-up", 64, hot, left(deadline), i -> hot(offset + i)));
        if (System.nanoTime() < deadline) {
            int first = offset + oneTill + polled + sixteen + hot;
            parts.add(Load.open(system, "warm-up", WARM_OPEN_RATE, open, i -> twoLines(first + i)));
        }
        return Phase.sum(parts);
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private void measure(List<CheckoutSystem> systems, TillCheckouts till, Stack stack) {
        int n = options.checkouts();
        Duration limit = options.phaseLimit();
        // One till is where a polling till loses most: issue 19's till polled every 50 ms.
        List<CheckoutSystem> withPolling = new ArrayList<>(systems);
        withPolling.add(till.polling(POLL_EVERY));
        Instant oneTillFrom = Instant.now();
        each(
                withPolling,
                "(a) 1 till, 1 line",
                (system, name) -> Load.closed(system, name, 1, n, limit, CheckoutLatencyBench::oneLine));
        Instant oneTillTo = Instant.now();
        PROFILE.ifPresent(dir -> notes.add("where a message's time went on each hop in (a), both Till tills (outbox"
                + " commit timestamps, Kafka record timestamps, inbox):\n"
                + HopTimes.report(stack, oneTillFrom, oneTillTo)));
        String sixteenTills = "(b) 16 tills, 2 lines/200";
        each(
                systems,
                sixteenTills,
                (system, name) -> Load.closed(system, name, 16, n, limit, CheckoutLatencyBench::twoLines));
        each(
                systems,
                "(c) 64 tills, 1 hot product",
                (system, name) -> Load.closed(system, name, 64, n, limit, CheckoutLatencyBench::hot));
        double slower = slowerThroughput(sixteenTills);
        List<Double> rates = options.rates().isEmpty()
                ? SWEEP.stream().map(share -> Math.max(1, share * slower)).toList()
                : options.rates();
        for (int r = 0; r < rates.size(); r++) {
            double rate = rates.get(r);
            int count = (int) Math.max(1, Math.min(50_000, Math.round(rate * limit.toSeconds())));
            each(
                    systems,
                    "(d%d) open loop, 2 lines/200".formatted(r + 1),
                    (system, name) -> Load.open(system, name, rate, count, CheckoutLatencyBench::twoLines));
        }
        notes.add(("open loops (d1)-(d%d): %s sales/s (%s) for %d s each, each sale timed from when it was due to be"
                        + " sent, not when it was: latency free of coordinated omission")
                .formatted(
                        rates.size(),
                        rates.stream().map("%.1f"::formatted).collect(Collectors.joining(", ")),
                        options.rates().isEmpty()
                                ? SWEEP.stream()
                                                .map(share -> "%.0f".formatted(share * 100))
                                                .collect(Collectors.joining(", "))
                                        + "% of the slower system's (b) throughput, " + "%.1f/s".formatted(slower)
                                : "--rates",
                        limit.toSeconds()));
        notes.add(("Till, warm-up included: %d checkouts answered final by the POST itself (Prefer: wait honoured),"
                        + " %d GETs for the others")
                .formatted(till.answeredByPost().sum(), till.gets().sum()));
    }

    private double slowerThroughput(String scenario) {
        return phases.stream()
                .filter(p -> p.scenario().equals(scenario))
                .mapToDouble(Phase::perSecond)
                .min()
                .orElseThrow();
    }

    /**
     * Runs the scenario on each system in turn, and charges each phase the CPU its system used from the phase's
     * start until its processes were quiet again.
     */
    private void each(List<CheckoutSystem> systems, String scenario, BiFunction<CheckoutSystem, String, Phase> load) {
        for (CheckoutSystem system : systems) {
            say("measuring " + system.name() + ": " + scenario + " ...");
            // The counters are read outside the phase's CPU window: their own queries are not the system's work.
            Optional<Counts> ranBefore = statementsUrl.map(DatabaseCounts::statements);
            Map<TopicPartition, Long> endsBefore = RecordCounts.endOffsets(kafkaOperator);
            Counts committedBefore = DatabaseCounts.commits(superuserUrl);
            Map<String, Double> before = system.processes().byProcess();
            Map<String, Double> postgresBefore = system.processes().postgresByKind();
            double jitBefore = system.processes().jitCoreMillis();
            Phase done = load.apply(system, scenario);
            long loadEnded = System.nanoTime();
            settle(system.processes());
            Map<String, Double> after = system.processes().byProcess();
            Map<String, Double> postgresUsed = new TreeMap<>();
            system.processes()
                    .postgresByKind()
                    .forEach((kind, millis) -> postgresUsed.put(kind, millis - postgresBefore.getOrDefault(kind, 0.0)));
            double jit = system.processes().jitCoreMillis() - jitBefore;
            Optional<Counts> ran =
                    statementsUrl.map(DatabaseCounts::statements).map(now -> now.since(ranBefore.orElseThrow()));
            Map<TopicPartition, Long> endsAfter = RecordCounts.endOffsets(kafkaOperator);
            Counts committed =
                    DatabaseCounts.commitsAfter(superuserUrl, loadEnded).since(committedBefore);
            Map<String, Double> used = new TreeMap<>();
            after.forEach((process, millis) -> used.put(process, millis - before.getOrDefault(process, 0.0)));
            Phase measured = done.withCpu(
                    used.values().stream().mapToDouble(Double::doubleValue).sum());
            phases.add(measured);
            jitShares.add("%s %s %.1f%%".formatted(scenario, system.name(), 100 * jit / measured.cpuCoreMillis()));
            if (used.size() > 2 && measured.confirmed() > 0) {
                cpuByProcess.add("%s %s: %s".formatted(scenario, system.name(), perConfirmed(used, measured)));
            }
            if (measured.confirmed() > 0) {
                postgresByKind.add("%s %s: %s"
                        .formatted(scenario, system.name(), perConfirmed(withoutZeros(postgresUsed), measured)));
            }
            Counts taken = RecordCounts.offsetsTaken(endsBefore, endsAfter);
            if (measured.confirmed() > 0 && !taken.byName().isEmpty()) {
                Counts records = RecordCounts.committedRecords(kafkaOperator, endsBefore, endsAfter);
                recordsByTopic.add(
                        "%s %s: %s".formatted(scenario, system.name(), records.perConfirmed(measured.confirmed())));
                Counts markers = taken.since(records);
                if (!markers.byName().isEmpty()) {
                    markersByTopic.add(
                            "%s %s: %s".formatted(scenario, system.name(), markers.perConfirmed(measured.confirmed())));
                }
            }
            if (measured.confirmed() > 0 && !committed.byName().isEmpty()) {
                commitsByDatabase.add(
                        "%s %s: %s".formatted(scenario, system.name(), committed.perConfirmed(measured.confirmed())));
            }
            if (measured.confirmed() > 0) {
                ran.ifPresent(counts -> statementsByDatabase.add(
                        "%s %s: %s".formatted(scenario, system.name(), counts.perConfirmed(measured.confirmed()))));
            }
        }
    }

    /** Kinds of process that used no CPU in the phase (or were gone before it ended) say nothing. */
    private static Map<String, Double> withoutZeros(Map<String, Double> used) {
        Map<String, Double> some = new TreeMap<>();
        used.forEach((kind, millis) -> {
            if (millis > 0) {
                some.put(kind, millis);
            }
        });
        return some;
    }

    private static String perConfirmed(Map<String, Double> used, Phase phase) {
        return used.entrySet().stream()
                .map(e -> "%s %.1f".formatted(e.getKey(), e.getValue() / phase.confirmed()))
                .collect(Collectors.joining(", "));
    }

    /**
     * Waits (15 s at most) until the system's processes use less than a tenth of a core more than at rest, so work
     * left over from a phase (Till commits reservations after CONFIRMED) is charged to it and not to the next.
     */
    private double settle(Cpu.Processes processes) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        double last = processes.coreMillis();
        while (System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(500));
            double now = processes.coreMillis();
            if (now - last < 50 + idleCoreMillisPerHalfSecond(processes)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private double idleCoreMillisPerHalfSecond(Cpu.Processes processes) {
        return idleShares.getOrDefault(processes, 0.0) * 500;
    }

    /** The share of one core these processes use over 2 s at rest. */
    private double idleShare(Cpu.Processes processes) {
        double before = processes.coreMillis();
        sleep(Duration.ofSeconds(2));
        double share = (processes.coreMillis() - before) / 2_000;
        idleShares.put(processes, share);
        return share;
    }

    private static void seed(CheckoutSystem system) {
        List<Runnable> puts = new ArrayList<>();
        for (int p = 0; p < PRODUCTS; p++) {
            String product = product(p);
            long price = 100 + p;
            puts.add(() -> system.catalogue().putProduct(product, price, STOCK));
        }
        puts.add(() -> system.catalogue().putProduct(HOT_PRODUCT, 250, STOCK));
        for (int c = 0; c < CUSTOMERS; c++) {
            String customer = customer(c);
            puts.add(() -> system.catalogue().putCustomer(customer, CREDIT));
        }
        try (ExecutorService seeders = Executors.newFixedThreadPool(8)) {
            List<Future<?>> all = puts.stream().map(seeders::submit).collect(Collectors.toList());
            for (Future<?> put : all) {
                put.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("seeding " + system.name() + " failed", e);
        }
    }

    private static Sale oneLine(int i) {
        SplittableRandom random = new SplittableRandom(i);
        return new Sale(customer(random.nextInt(CUSTOMERS)), List.of(new Line(product(random.nextInt(PRODUCTS)), 1)));
    }

    /** Two different products out of 200. */
    private static Sale twoLines(int i) {
        SplittableRandom random = new SplittableRandom(1_000_000L + i);
        int first = random.nextInt(PRODUCTS);
        int second = (first + 1 + random.nextInt(PRODUCTS - 1)) % PRODUCTS;
        return new Sale(
                customer(random.nextInt(CUSTOMERS)),
                List.of(new Line(product(first), 1), new Line(product(second), 1)));
    }

    private static Sale hot(int i) {
        SplittableRandom random = new SplittableRandom(2_000_000L + i);
        return new Sale(customer(random.nextInt(CUSTOMERS)), List.of(new Line(HOT_PRODUCT, 1)));
    }

    private static String product(int p) {
        return "p-%03d".formatted(p);
    }

    private static String customer(int c) {
        return "c-%03d".formatted(c);
    }

    private void print() {
        notes.add("CPU per confirmed checkout by process, core-ms (idle included, as above):\n    "
                + String.join("\n    ", cpuByProcess));
        notes.add("PostgreSQL's CPU per confirmed checkout by process, core-ms (connections by database):\n    "
                + String.join("\n    ", postgresByKind));
        notes.add("JIT compilers' share of each phase's CPU (a phase that still compiles did not run warm code):\n    "
                + String.join("\n    ", jitShares));
        notes.add("Kafka records per confirmed checkout by topic, as a read_committed consumer gets them;"
                + " __consumer_offsets (offset commits) and __transaction_state included:\n    "
                + String.join("\n    ", recordsByTopic));
        if (!markersByTopic.isEmpty()) {
            notes.add("Kafka offsets per confirmed checkout that hold no record a read_committed consumer gets:"
                    + " transaction markers (one per partition a relay's transaction wrote, ADR 15) and aborted"
                    + " records:\n    "
                    + String.join("\n    ", markersByTopic));
        }
        notes.add("PostgreSQL transactions committed per confirmed checkout by database, idle work and read-only"
                + " transactions included (pg_stat_database):\n    "
                + String.join("\n    ", commitsByDatabase));
        if (!statementsByDatabase.isEmpty()) {
            notes.add("statements per confirmed checkout by database, idle work included (pg_stat_statements, without"
                    + " BEGIN and COMMIT):\n    "
                    + String.join("\n    ", statementsByDatabase));
        }
        notes.add("machine: %d cores; options: --checkouts %d --warmup %d --warmup-seconds %d --seconds %d%s"
                .formatted(
                        Runtime.getRuntime().availableProcessors(),
                        options.checkouts(),
                        options.warmup(),
                        options.warmupLimit().toSeconds(),
                        options.phaseLimit().toSeconds(),
                        options.rates().isEmpty()
                                ? ""
                                : " --rates "
                                        + options.rates().stream()
                                                .map(String::valueOf)
                                                .collect(Collectors.joining(","))));
        CheckoutReport.of(phases, notes).write();
    }

    private static String setting(String superuserJdbcUrl, String name) {
        try (Connection c = DriverManager.getConnection(superuserJdbcUrl, "postgres", "postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('" + name + "')")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not ask PostgreSQL for " + name, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            FileSystemUtils.deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not clear " + dir, e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void say(String line) {
        System.out.println("bench: " + line);
    }
}
