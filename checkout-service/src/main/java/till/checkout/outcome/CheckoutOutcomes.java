package till.checkout.outcome;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import till.checkout.saga.Checkout;
import till.checkout.saga.Decisions;

/**
 * Tells requests that wait for a checkout's outcome when it is decided (CONFIRMED or REJECTED).
 *
 * <p>The trigger {@code checkout_decided} (V3) notifies {@value #CHANNEL} with the checkout id when a checkout
 * leaves PENDING, on commit, whichever instance decided it. One connection per instance holds the LISTEN and wakes
 * the waiters registered for that id. A waiter registers before it reads the checkout, so a decision committed
 * between its read and its registration still wakes it.
 *
 * <p>While the LISTEN connection is down, decisions are not notified to this instance: after every (re)connect, once
 * listening, the checkouts still waited for are looked up once and the decided ones woken. No waiter depends on the
 * connection to be answered: each has its own time limit.
 *
 * <p>A decision made by this instance is handed to its waiters as it committed ({@link #decided}), so they answer
 * without reading the checkout back; the notification that follows finds no one left to wake here.
 */
@Component
public class CheckoutOutcomes implements SmartLifecycle, Decisions {

    static final String CHANNEL = "till_checkout_outcome";

    /** How the LISTEN session shows itself in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "till-checkout-outcomes";

    private static final Logger log = LoggerFactory.getLogger(CheckoutOutcomes.class);
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);
    private static final int NOTIFICATION_WAIT_MILLIS = 1000;

    private final DataSource dataSource;
    private final Counter foundOnReconnect;
    private final Counter handedOver;

    /** Checkouts this instance is committing a decision of, between {@link #deciding} and {@link #decided}. */
    private final Set<UUID> handingOver = ConcurrentHashMap.newKeySet();

    /** The futures of the requests waiting, by checkout; a set is changed only inside the map's atomic methods. */
    private final Map<UUID, Set<CompletableFuture<Optional<Checkout>>>> waiting = new ConcurrentHashMap<>();

    private final AtomicInteger waiters = new AtomicInteger();
    private volatile boolean running;
    private volatile boolean stopped;
    private volatile boolean listening;
    private volatile CountDownLatch stopping = new CountDownLatch(1);
    private Thread listener = new Thread(() -> {});

    CheckoutOutcomes(DataSource dataSource, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.foundOnReconnect = Counter.builder("till.checkout.outcome.found.on.reconnect")
                .description("decisions not notified while the LISTEN connection was down, found once it was back")
                .register(meters);
        this.handedOver = Counter.builder("till.checkout.outcome.handed.over")
                .description("waiting requests answered with the checkout as this instance decided it, unread")
                .register(meters);
        Gauge.builder("till.checkout.outcome.waiting", waiters, AtomicInteger::get)
                .description("requests waiting for a checkout's outcome (Prefer: wait)")
                .register(meters);
        Gauge.builder("till.checkout.outcome.listening", this, outcomes -> outcomes.listening ? 1 : 0)
                .description("1 while this instance holds LISTEN " + CHANNEL)
                .register(meters);
    }

    /**
     * A future completed, on a virtual thread, once the checkout is decided; register it before reading the
     * checkout. It holds the checkout as its decision left it when this instance decided it, and nothing when the
     * decision was learnt otherwise: then read it. Cancel it to stop waiting: that also forgets it. It may also
     * complete (empty) when the instance stops, so that the waiting request answers what it finds then rather than
     * at its time limit.
     */
    public CompletableFuture<Optional<Checkout>> whenDecided(UUID checkoutId) {
        CompletableFuture<Optional<Checkout>> decided = new CompletableFuture<>();
        waiters.incrementAndGet();
        waiting.compute(checkoutId, (id, futures) -> {
            Set<CompletableFuture<Optional<Checkout>>> all = futures == null ? new HashSet<>() : futures;
            all.add(decided);
            return all;
        });
        decided.whenComplete((ignored, cancelled) -> forget(checkoutId, decided));
        if (stopped) {
            // Registered before start() is found by the first LISTEN's look-up; after stop() nothing would wake it.
            decided.complete(Optional.empty());
        }
        return decided;
    }

    private void forget(UUID checkoutId, CompletableFuture<Optional<Checkout>> decided) {
        waiting.computeIfPresent(checkoutId, (id, futures) -> {
            futures.remove(decided);
            return futures.isEmpty() ? null : futures;
        });
        waiters.decrementAndGet();
    }

    /**
     * These checkouts are about to be decided by a commit of this instance: their notification, which may arrive
     * before the committing thread hands them over, leaves their waiting requests to the hand-over.
     */
    @Override
    public void deciding(Collection<UUID> checkoutIds) {
        handingOver.addAll(checkoutIds);
    }

    /** Hands each checkout this instance just decided to the requests waiting on it, which answer it unread. */
    @Override
    public void decided(List<Checkout> checkouts) {
        for (Checkout checkout : checkouts) {
            int woken = wake(checkout.id(), Optional.of(checkout));
            handedOver.increment(woken);
            handingOver.remove(checkout.id());
        }
    }

    /**
     * The commit did not happen: nothing is handed over. If it may have happened after all, the requests read the
     * checkout, since its notification may have come and been left to the hand-over.
     */
    @Override
    public void notDecided(Collection<UUID> checkoutIds, boolean maybeCommitted) {
        handingOver.removeAll(checkoutIds);
        if (maybeCommitted) {
            checkoutIds.forEach(this::wake);
        }
    }

    /** Wakes every request waiting on this checkout, each on its own virtual thread: it reads and answers next. */
    private void wake(UUID checkoutId) {
        wake(checkoutId, Optional.empty());
    }

    /** Wakes the requests waiting on this checkout with {@code known}; returns how many. */
    private int wake(UUID checkoutId, Optional<Checkout> known) {
        Set<CompletableFuture<Optional<Checkout>>> woken = waiting.remove(checkoutId);
        if (woken == null) {
            return 0;
        }
        woken.forEach(decided -> Thread.ofVirtual().name("checkout-outcome").start(() -> decided.complete(known)));
        return woken.size();
    }

    @Override
    public void start() {
        stopping = new CountDownLatch(1);
        stopped = false;
        running = true;
        listener = Thread.ofPlatform().name("checkout-outcome-listen").daemon().start(this::listen);
    }

    /** Stops listening and wakes every waiter, which answers what it finds now (PENDING: 202). */
    @Override
    public void stop() {
        running = false;
        stopped = true;
        stopping.countDown();
        try {
            listener.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Set.copyOf(waiting.keySet()).forEach(this::wake);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Holds {@code LISTEN till_checkout_outcome} on one pooled connection, reconnecting after a pause when it is lost,
     * and looks for decisions it missed each time it is listening again.
     */
    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try {
                    listenOn(connection);
                } finally {
                    listening = false;
                    release(connection);
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                log.warn(
                        "checkout outcome LISTEN connection lost; waiting requests answer at their time limit until"
                                + " it is back: {}",
                        e.toString());
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.error("checkout outcome listener failed unexpectedly; listening again after a pause", e);
            }
            pause(RECONNECT_PAUSE);
        }
    }

    private void listenOn(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET application_name = '" + APPLICATION_NAME + "'");
            statement.execute("LISTEN " + CHANNEL);
        }
        listening = true;
        log.info("listening on {}: requests waiting for a checkout's outcome are woken when it is decided", CHANNEL);
        wakeDecidedWhileNotListening(connection);
        PGConnection notifications = connection.unwrap(PGConnection.class);
        while (running) {
            PGNotification[] received = notifications.getNotifications(NOTIFICATION_WAIT_MILLIS);
            if (received != null) {
                for (PGNotification notification : received) {
                    wakeFor(notification.getParameter());
                }
            }
        }
    }

    /**
     * Every checkout still waited for that is decided already: its decision may have been committed while this
     * instance held no LISTEN. Runs after LISTEN, so a decision committed later is notified instead.
     */
    private void wakeDecidedWhileNotListening(Connection connection) throws SQLException {
        UUID[] waitedFor = waiting.keySet().toArray(UUID[]::new);
        if (waitedFor.length == 0) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT checkout_id FROM checkouts WHERE checkout_id = ANY (?) AND status <> 'PENDING'")) {
            statement.setArray(1, connection.createArrayOf("uuid", waitedFor));
            try (ResultSet decided = statement.executeQuery()) {
                while (decided.next()) {
                    UUID checkoutId = decided.getObject(1, UUID.class);
                    foundOnReconnect.increment();
                    log.info("checkout {} was decided while not listening; waking its waiting requests", checkoutId);
                    wake(checkoutId);
                }
            }
        }
    }

    private void wakeFor(String payload) {
        UUID checkoutId;
        try {
            checkoutId = UUID.fromString(payload);
        } catch (IllegalArgumentException e) {
            log.warn("ignoring a notification on {} that names no checkout: '{}'", CHANNEL, payload);
            return;
        }
        if (handingOver.contains(checkoutId)) {
            // Decided by this instance, whose committing thread hands it over next (decided).
            return;
        }
        wake(checkoutId);
    }

    /** Hands the connection back to the pool as it found it; a lost connection the pool discards by itself. */
    private void release(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("UNLISTEN *");
            statement.execute("RESET application_name");
        } catch (SQLException e) {
            log.debug("checkout outcome LISTEN connection not reset (lost): {}", e.toString());
        }
    }

    /** Sleeps, but not past stop(). */
    private void pause(Duration duration) {
        try {
            stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
