package till.infra.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How many statements each database of the cluster has run, from {@code pg_stat_statements} (loaded by {@code ./run
 * bench checkout --profile}): the difference of two readings, divided by a phase's confirmed checkouts, is what a
 * checkout costs PostgreSQL in statements, the figure a cut in statements is measured by. BEGIN and COMMIT are left
 * out: they are transactions, not statements (and in the runs so far none were recorded).
 */
record StatementCounts(Map<String, Long> byDatabase) {

    static StatementCounts read(String superuserJdbcUrl) {
        Map<String, Long> byDatabase = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(superuserJdbcUrl, "postgres", "");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("""
                        SELECT d.datname, sum(st.calls) AS statements
                        FROM pg_stat_statements st JOIN pg_database d ON d.oid = st.dbid
                        WHERE st.query NOT IN ('BEGIN', 'COMMIT')
                        GROUP BY d.datname
                        """)) {
            while (r.next()) {
                byDatabase.put(r.getString("datname"), r.getLong("statements"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read pg_stat_statements", e);
        }
        return new StatementCounts(byDatabase);
    }

    /** What each database ran since {@code before}; databases that ran nothing are left out. */
    StatementCounts since(StatementCounts before) {
        Map<String, Long> ran = new TreeMap<>();
        byDatabase.forEach((database, now) -> {
            long delta = now - before.byDatabase.getOrDefault(database, 0L);
            if (delta > 0) {
                ran.put(database, delta);
            }
        });
        return new StatementCounts(ran);
    }

    /**
     * "checkout 30.9, inventory 15.9, ...; all 57.6": statements per confirmed checkout, by database (the readings'
     * own queries included, in {@code postgres}).
     */
    String perConfirmed(long confirmed) {
        long all = byDatabase.values().stream().mapToLong(Long::longValue).sum();
        return byDatabase.entrySet().stream()
                        .map(e -> "%s %.1f".formatted(e.getKey(), (double) e.getValue() / confirmed))
                        .collect(Collectors.joining(", "))
                + "; all %.1f".formatted((double) all / confirmed);
    }
}
