package till.infra.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counters PostgreSQL keeps by database, read at one moment: per phase and confirmed checkout ({@link Counts}), the
 * figures a cut in statements or in commits is measured by.
 */
final class DatabaseCounts {

    private DatabaseCounts() {}

    /**
     * Statements run so far, by database, from {@code pg_stat_statements} (loaded by {@code ./run bench checkout
     * --profile}). BEGIN and COMMIT are left out: they are transactions, not statements (and in the runs so far none
     * were recorded).
     */
    static Counts statements(String superuserJdbcUrl) {
        return read(superuserJdbcUrl, "pg_stat_statements", """
                SELECT d.datname, sum(st.calls)
                FROM pg_stat_statements st JOIN pg_database d ON d.oid = st.dbid
                WHERE st.query NOT IN ('BEGIN', 'COMMIT')
                GROUP BY d.datname
                """);
    }

    /**
     * A connection reports its commits to {@code pg_stat_database} when it goes idle, but at most once a second; what
     * it committed in its last second is reported ten seconds later ({@code PGSTAT_MIN_INTERVAL} and {@code
     * PGSTAT_IDLE_INTERVAL} in PostgreSQL's {@code pgstat.c}). Read as it stands at once, a phase would miss up to a
     * second of its commits and the next phase would be charged them.
     */
    private static final Duration REPORTED = Duration.ofSeconds(11);

    /**
     * {@link #commits}, read once every connection has reported what it committed before {@code sinceNanos} (a
     * {@link System#nanoTime} reading): waits for that, up to eleven seconds after it.
     */
    static Counts commitsAfter(String superuserJdbcUrl, long sinceNanos) {
        long wait = REPORTED.toNanos() - (System.nanoTime() - sinceNanos);
        if (wait > 0) {
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while PostgreSQL's counts settled", e);
            }
        }
        return commits(superuserJdbcUrl);
    }

    /**
     * Transactions committed so far, by database, from {@code pg_stat_database}; read-only ones count too. The
     * cluster's own {@code postgres} database is left out: the benchmark's readings run there. Read a phase's end
     * with {@link #commitsAfter}.
     */
    static Counts commits(String superuserJdbcUrl) {
        return read(superuserJdbcUrl, "pg_stat_database", """
                SELECT datname, xact_commit FROM pg_stat_database
                WHERE datname IS NOT NULL AND datname NOT IN ('postgres', 'template0', 'template1')
                """);
    }

    /** {@code sql} returns a database's name and its count, a row per database. */
    private static Counts read(String superuserJdbcUrl, String view, String sql) {
        SortedMap<String, Long> byDatabase = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(superuserJdbcUrl, "postgres", "");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                byDatabase.put(r.getString(1), r.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read " + view, e);
        }
        return new Counts(byDatabase);
    }
}
