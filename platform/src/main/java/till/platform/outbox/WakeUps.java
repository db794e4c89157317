package till.platform.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hints that there is work for the dispatcher: commits in this instance (in-process, after commit), commits in other
 * instances ({@code NOTIFY till_outbox}, received by a thread in {@code LISTEN}), room in the pipeline, a failed
 * send, stop, and a {@link DirectHandOver} ticket resolved. Every hint but the last asks for a read of the table.
 * Hints only: the dispatcher also reads the table every poll interval, which is the source of truth.
 */
final class WakeUps {

    /** The PostgreSQL channel on which {@link Outbox} wakes the active relay when that is in another instance. */
    static final String CHANNEL = "till_outbox";

    private static final Logger log = LoggerFactory.getLogger(WakeUps.class);

    private final Semaphore permits = new Semaphore(0);
    private final AtomicBoolean tableWanted = new AtomicBoolean();

    /** Wakes the dispatcher to read the table. */
    void signal() {
        tableWanted.set(true);
        signalDirect();
    }

    /**
     * At most one pending wake-up: a follower never takes its permits, and a semaphore counting every commit for
     * weeks would overflow (and throw from a business transaction's after-commit hook).
     */
    void signalDirect() {
        if (permits.availablePermits() == 0) {
            permits.release();
        }
    }

    /** Whether a read of the table was asked for since the last call. */
    boolean tableWanted() {
        return tableWanted.getAndSet(false);
    }

    /** Wake-ups not yet taken (a test's view of the bound {@link #signal} keeps). */
    int pending() {
        return permits.availablePermits();
    }

    /** Waits at most {@code atMost} for a wake-up, and takes every pending one. */
    void await(Duration atMost, Stopping stopping) {
        try {
            permits.tryAcquire(atMost.toMillis(), TimeUnit.MILLISECONDS);
            permits.drainPermits();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.stop();
        }
    }

    /**
     * Holds one connection in {@code LISTEN till_outbox} and signals on every notification, so rows committed by any
     * instance of the service are published without waiting for the next poll. Returns when the relay stops.
     */
    void listen(DataSource dataSource, Stopping stopping) {
        while (stopping.running()) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection notifications = connection.unwrap(PGConnection.class);
                while (stopping.running()) {
                    PGNotification[] received = notifications.getNotifications(1000);
                    if (received != null && received.length > 0) {
                        signal();
                    }
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("UNLISTEN *");
                }
            } catch (SQLException e) {
                if (!stopping.running()) {
                    return;
                }
                log.warn("outbox LISTEN connection lost, polling only until it is back: {}", e.toString());
                stopping.pause(Duration.ofSeconds(1));
            }
        }
    }
}
