package till.platform;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** The plan a service connection executes a statement with, read with EXPLAIN over a table filled for the test. */
public final class GenericPlans {

    private GenericPlans() {}

    /**
     * The plan of {@code statement} (placeholders {@code $1..}), prepared on a service connection and executed with
     * {@code values} (empty: none), after {@code filling} wrote rows into {@code table} and the table was analysed; all rolled
     * back. With plan_cache_mode force_generic_plan (the services' setting) that is the generic plan.
     */
    public static String explain(DataSource services, String filling, String table, String statement, String values)
            throws SQLException {
        try (Connection connection = services.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement sql = connection.createStatement()) {
                sql.execute(filling);
                sql.execute("ANALYZE " + table);
                List<String> lines = new ArrayList<>();
                sql.execute("PREPARE planned AS " + statement);
                try (ResultSet rows =
                        sql.executeQuery("EXPLAIN EXECUTE planned" + (values.isEmpty() ? "" : "(" + values + ")"))) {
                    while (rows.next()) {
                        lines.add(rows.getString(1));
                    }
                }
                sql.execute("DEALLOCATE planned"); // a prepared statement outlives the transaction
                return String.join("\n", lines);
            } finally {
                connection.rollback();
            }
        }
    }

    /** The rows the plan expects to read through {@code index}: the estimate on the line that names it. */
    public static long rowsExpectedThrough(String plan, String index) {
        for (String line : plan.split("\n")) {
            Matcher rows = ROWS.matcher(line);
            if (line.contains(index) && rows.find()) {
                return Long.parseLong(rows.group(1));
            }
        }
        throw new AssertionError("the plan reads nothing through " + index + ":\n" + plan);
    }

    private static final Pattern ROWS = Pattern.compile("rows=(\\d+)");

    /** A JDBC statement with its {@code ?} placeholders numbered, as PREPARE takes them. */
    public static String numbered(String jdbcStatement) {
        StringBuilder sql = new StringBuilder();
        int n = 0;
        for (char c : jdbcStatement.toCharArray()) {
            if (c == '?') {
                sql.append('$').append(++n);
            } else {
                sql.append(c);
            }
        }
        return sql.toString();
    }
}
