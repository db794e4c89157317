package till.platform.outbox;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import till.platform.AdvisoryLockSpace;

/**
 * One active relay per service database: the session advisory lock {@code (OUTBOX_RELAY, 0)}, held on a connection
 * of its own for as long as the relay leads. Every read of unsent rows runs on that connection, so a relay whose
 * session is gone (and with it the lock) cannot select rows to publish.
 */
final class RelayLease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayLease.class);

    private final DataSource dataSource;
    private final Connection connection;

    private RelayLease(DataSource dataSource, Connection connection) {
        this.dataSource = dataSource;
        this.connection = connection;
    }

    /** The lease, or null if another relay holds it. */
    static @Nullable RelayLease tryAcquire(DataSource dataSource) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(true);
            try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?, 0)")) {
                statement.setInt(1, AdvisoryLockSpace.OUTBOX_RELAY);
                try (ResultSet result = statement.executeQuery()) {
                    if (result.next() && result.getBoolean(1)) {
                        return new RelayLease(dataSource, connection);
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        connection.close();
        return null;
    }

    /** The connection that holds the lock: the only one on which the relay reads unsent rows. */
    Connection connection() {
        return connection;
    }

    /** Releases the lock before the connection goes back to the pool, or evicts the connection if it cannot. */
    @Override
    public void close() {
        try (connection) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_unlock_all()");
            }
        } catch (SQLException e) {
            // The session, and with it the lock, ends when the pool closes this connection for good.
            log.warn("outbox relay could not release its lease cleanly, evicting the connection: {}", e.toString());
            evict();
        }
    }

    private void evict() {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                dataSource.unwrap(HikariDataSource.class).evictConnection(connection);
            }
        } catch (SQLException e) {
            log.warn("outbox relay could not evict its lease connection: {}", e.toString());
        }
    }
}
