package till.infra.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How many statements each database of the cluster has run, from {@code pg_stat_statements} (loaded by {@code ./run
 * bench checkout --profile}): per phase and confirmed checkout ({@link Counts}), the figure a cut in statements is
 * measured by. BEGIN and COMMIT are left out: they are transactions, not statements (and in the runs so far none were
 * recorded).
 */
final class StatementCounts {

    private StatementCounts() {}

    /** Statements run so far, by database. */
    static Counts read(String superuserJdbcUrl) {
        SortedMap<String, Long> byDatabase = new TreeMap<>();
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
        return new Counts(byDatabase);
    }
}
