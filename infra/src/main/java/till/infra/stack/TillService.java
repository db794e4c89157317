package till.infra.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One of Till's three services, run from its executable jar in a JVM of its own with a small heap. Supervised
 * ({@link #supervise}), a JVM that dies on its own is started again after a back-off; one stopped or killed
 * through this class stays down.
 */
public final class TillService {

    /**
     * Every service JVM's flags: a small heap and stacks, and the serial collector (no GC threads competing with
     * the services, the broker and PostgreSQL for two cores).
     */
    public static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC");

    /** The first wait before a restart; it doubles up to {@link #LONGEST_BACK_OFF} while the service keeps dying. */
    static final Duration FIRST_BACK_OFF = Duration.ofSeconds(1);

    static final Duration LONGEST_BACK_OFF = Duration.ofSeconds(30);

    /** Up this long, the service counts as healthy again and its next restart waits {@link #FIRST_BACK_OFF}. */
    static final Duration STABLE_AFTER = Duration.ofMinutes(1);

    public enum Name {
        INVENTORY("inventory", 8081),
        LEDGER("ledger", 8082),
        CHECKOUT("checkout", 8080);

        final String id;
        final int defaultPort;

        Name(String id, int defaultPort) {
            this.id = id;
            this.defaultPort = defaultPort;
        }

        public String id() {
            return id;
        }

        /**
         * The Kafka transactional id of the service's outbox relay: the platform's default,
         * {@code <spring.application.name>-relay} (ADR 15), each service's application name being {@code <id>-service}.
         */
        public String relayTransactionalId() {
            return id + "-service-relay";
        }

        String envPrefix() {
            return name();
        }
    }

    private final Name name;
    private final int instance;
    private final ServiceJar jar;
    private final int port;
    private final Map<String, String> env;
    private final Path log;
    /** The current JVM; null until {@link #start} first started one. */
    private @Nullable ChildProcess process;

    /** Whether the current JVM writes the AOT cache when it stops, which takes a while. */
    private boolean training;

    private Instant startedAt = Instant.now();
    private Duration backOff = FIRST_BACK_OFF;
    private boolean down;
    /** Who hears of restarts; null until {@link #supervise}, and then the service is not restarted. */
    private @Nullable Consumer<String> supervisor;

    TillService(Name name, int instance, Path root, int port, Map<String, String> env, Path log) {
        this.name = name;
        this.instance = instance;
        this.jar = ServiceJar.of(root, name.id + "-service");
        this.port = port;
        this.env = env;
        this.log = log;
    }

    void start() {
        start(Map.of());
    }

    private synchronized ChildProcess start(Map<String, String> extraEnv) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putAll(extraEnv);
        ServiceJar.Launch launch = jar.launch();
        ChildProcess started = ChildProcess.startJava(label(), JVM_FLAGS, launch.args(), all, log);
        process = started;
        training = launch.training();
        startedAt = Instant.now();
        down = false;
        started.onExit().thenRun(() -> {
            launch.exited().accept(started.exitValue());
            exited(started, extraEnv);
        });
        return started;
    }

    private synchronized ChildProcess running() {
        ChildProcess started = process;
        if (started == null) {
            throw new IllegalStateException(label() + " was never started");
        }
        return started;
    }

    /** From now on a JVM of this service that exits by itself is restarted, and {@code say} hears of it. */
    synchronized void supervise(Consumer<String> say) {
        supervisor = say;
    }

    private synchronized void exited(ChildProcess exited, Map<String, String> extraEnv) {
        Consumer<String> say = supervisor;
        if (say == null || down || exited != process) {
            return;
        }
        if (Duration.between(startedAt, Instant.now()).compareTo(STABLE_AFTER) >= 0) {
            backOff = FIRST_BACK_OFF;
        }
        Duration wait = backOff;
        backOff = backOff.multipliedBy(2).compareTo(LONGEST_BACK_OFF) > 0 ? LONGEST_BACK_OFF : backOff.multipliedBy(2);
        say.accept(label() + " exited (code " + exited.exitValue() + "); restarting in " + wait.toSeconds() + " s");
        CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> restartAfterCrash(exited, extraEnv));
    }

    private synchronized void restartAfterCrash(ChildProcess crashed, Map<String, String> extraEnv) {
        // Stopped, killed on purpose or restarted by hand in the meantime: nothing to do.
        Consumer<String> say = supervisor;
        if (say == null || down || crashed != process) {
            return;
        }
        try {
            ChildProcess restarted = start(extraEnv);
            say.accept(label() + " restarted (pid " + restarted.pid() + ")");
        } catch (RuntimeException e) {
            say.accept("could not restart " + label() + ": " + e.getMessage());
            // Counts as another exit: tried again after a longer wait.
            exited(crashed, extraEnv);
        }
    }

    void awaitReady(Duration timeout) {
        ChildProcess awaited;
        synchronized (this) {
            awaited = running();
        }
        awaited.awaitReady(this::healthy, timeout);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Name name() {
        return name;
    }

    /** 1 for the first instance of the service, 2 for the second, ... */
    public int instance() {
        return instance;
    }

    /** {@code checkout-service} for the first instance, {@code checkout-service-2} for the second, ... */
    public String label() {
        return name.id + "-service" + (instance == 1 ? "" : "-" + instance);
    }

    /** Whether its JVM runs (a supervised one that crashed is running again once restarted). */
    public synchronized boolean alive() {
        return running().isAlive();
    }

    /** The service JVM's process id (a new one after each restart). */
    public synchronized long pid() {
        return running().pid();
    }

    /**
     * Kills the JVM as a crash would, for fault tests that bring it back themselves ({@link #restart}); the
     * supervisor leaves it down. A kill from outside ({@code kill -9}) is a crash the supervisor heals.
     */
    public void kill() {
        ChildProcess killed;
        synchronized (this) {
            down = true;
            killed = running();
        }
        killed.kill();
    }

    public void restart(Duration timeout) {
        restart(timeout, Map.of());
    }

    /** Starts the (killed or stopped) service again, with these environment variables added for this run. */
    public void restart(Duration timeout, Map<String, String> extraEnv) {
        start(extraEnv);
        awaitReady(timeout);
    }

    void stop() {
        ChildProcess stopping;
        boolean writesCache;
        synchronized (this) {
            down = true;
            stopping = process;
            writesCache = training;
        }
        if (stopping != null) {
            stopping.stop(writesCache ? ServiceJar.TRAINING_STOP_GRACE : Duration.ofSeconds(20));
        }
    }

    private boolean healthy() {
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(url() + "/actuator/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
