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
 * checkout costs PostgreSQL in statements, the figure a cut in statements is measured by. {@code COMMIT}s are
 * counted apart: each is a durable commit, a WAL flush.
 */
record StatementCounts(Map<String, Counts> byDatabase) {

    /** Statements other than BEGIN and COMMIT, and COMMITs. */
    record Counts(long statements, long commits) {

        Counts minus(Counts before) {
            return new Counts(statements - before.statements, commits - before.commits);
        }
    }

    static StatementCounts read(String superuserJdbcUrl) {
        Map<String, Counts> byDatabase = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(superuserJdbcUrl, "postgres", "");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("""
                        SELECT d.datname,
                               sum(st.calls) FILTER (WHERE st.query NOT IN ('BEGIN', 'COMMIT')) AS statements,
                               coalesce(sum(st.calls) FILTER (WHERE st.query = 'COMMIT'), 0) AS commits
                        FROM pg_stat_statements st JOIN pg_database d ON d.oid = st.dbid
                        GROUP BY d.datname
                        """)) {
            while (r.next()) {
                byDatabase.put(r.getString("datname"), new Counts(r.getLong("statements"), r.getLong("commits")));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read pg_stat_statements", e);
        }
        return new StatementCounts(byDatabase);
    }

    /** What each database ran since {@code before}; databases that ran nothing are left out. */
    StatementCounts since(StatementCounts before) {
        Map<String, Counts> ran = new TreeMap<>();
        byDatabase.forEach((database, now) -> {
            Counts delta = now.minus(before.byDatabase.getOrDefault(database, new Counts(0, 0)));
            if (delta.statements > 0 || delta.commits > 0) {
                ran.put(database, delta);
            }
        });
        return new StatementCounts(ran);
    }

    /**
     * "checkout 20.1/3.0, inventory ...; all 60.2/7.0": statements/commits per confirmed checkout, by database (the
     * reading's own query included, in {@code postgres}).
     */
    String perConfirmed(long confirmed) {
        long statements =
                byDatabase.values().stream().mapToLong(Counts::statements).sum();
        long commits = byDatabase.values().stream().mapToLong(Counts::commits).sum();
        return byDatabase.entrySet().stream()
                        .map(e -> "%s %.1f/%.1f"
                                .formatted(
                                        e.getKey(),
                                        (double) e.getValue().statements / confirmed,
                                        (double) e.getValue().commits / confirmed))
                        .collect(Collectors.joining(", "))
                + "; all %.1f/%.1f".formatted((double) statements / confirmed, (double) commits / confirmed);
    }
}
