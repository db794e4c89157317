package till.infra.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.jspecify.annotations.Nullable;

/**
 * {@code ./run bench checkout --profile}: where the CPU went, read back from what the run recorded. Every JVM of the
 * stack wrote a JDK Flight Recorder file (the run passes {@code -XX:StartFlightRecording} to each through
 * {@code JAVA_TOOL_OPTIONS}); PostgreSQL ran with {@code pg_stat_statements}. This prints, per JVM, the share of
 * CPU samples spent in each layer (a sample counts for every layer on its stack) and the hottest methods, and the
 * statements that took the most database time.
 */
public final class Profile {

    /** Layers by package prefix, in the order a request passes through them. */
    private static final Map<String, String> LAYERS = layers();

    private static Map<String, String> layers() {
        Map<String, String> layers = new LinkedHashMap<>();
        layers.put("org.apache.catalina", "HTTP (Tomcat)");
        layers.put("org.apache.tomcat", "HTTP (Tomcat)");
        layers.put("org.apache.coyote", "HTTP (Tomcat)");
        layers.put("org.springframework.web", "Spring MVC");
        layers.put("org.springframework.kafka", "Spring Kafka");
        layers.put("org.apache.kafka.clients.producer", "Kafka producer");
        layers.put("org.apache.kafka.clients.consumer", "Kafka consumer");
        layers.put("org.springframework.transaction", "Spring transactions");
        layers.put("org.springframework.jdbc", "Spring JDBC");
        layers.put("com.zaxxer.hikari", "Hikari pool");
        layers.put("org.postgresql", "PostgreSQL driver");
        layers.put("tools.jackson", "Jackson");
        layers.put("com.fasterxml.jackson", "Jackson");
        layers.put("ch.qos.logback", "Logging");
        layers.put("org.slf4j", "Logging");
        layers.put("io.micrometer", "Micrometer");
        layers.put("till.platform.outbox", "Till outbox relay");
        layers.put("till.", "Till code");
        layers.put("kafka.", "Kafka broker");
        layers.put("org.apache.kafka.storage", "Kafka broker");
        layers.put("org.apache.kafka.server", "Kafka broker");
        layers.put("org.apache.kafka.raft", "Kafka broker");
        return layers;
    }

    private Profile() {}

    /**
     * Every recording in {@code dir}, one section each, counting only the samples taken in {@code measured}: a JVM's
     * recording starts with it, and its start, the seeding and the warm-up would otherwise weigh in (class loading,
     * password hashing for every seeded product and customer).
     */
    public static String recordings(Path dir, Window measured) {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".jfr")).sorted().toList()) {
                out.append(recording(file, measured)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** When the measured phases ran. */
    public record Window(Instant from, Instant to) {

        boolean holds(Instant at) {
            return !at.isBefore(from) && at.isBefore(to);
        }
    }

    static String recording(Path file, Window measured) {
        String process = file.getFileName().toString();
        int samples = 0;
        Map<String, Integer> byLayer = new HashMap<>();
        Map<String, Integer> byMethod = new HashMap<>();
        Map<String, Integer> byThread = new HashMap<>();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String type = event.getEventType().getName();
                if (type.equals("jdk.JVMInformation")) {
                    process = processName(event.getString("javaArguments"));
                } else if (type.equals("jdk.ExecutionSample") && measured.holds(event.getStartTime())) {
                    RecordedStackTrace stack = event.getStackTrace();
                    if (stack == null || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    byThread.merge(threadKind(event.getThread("sampledThread")), 1, Integer::sum);
                    byMethod.merge(method(stack.getFrames().getFirst()), 1, Integer::sum);
                    Set<String> layers = new HashSet<>();
                    for (RecordedFrame frame : stack.getFrames()) {
                        String type0 = frame.getMethod().getType().getName();
                        LAYERS.entrySet().stream()
                                .filter(l -> type0.startsWith(l.getKey()))
                                .findFirst()
                                .ifPresent(l -> layers.add(l.getValue()));
                    }
                    layers.forEach(layer -> byLayer.merge(layer, 1, Integer::sum));
                }
            }
        } catch (IOException e) {
            return "  " + file + ": unreadable (" + e.getMessage() + ")\n";
        }
        StringBuilder out = new StringBuilder("%s: %d CPU samples%n".formatted(process, samples));
        if (samples == 0) {
            return out.toString();
        }
        out.append("  share of samples by layer (a sample counts for each layer on its stack)\n");
        appendTop(out, byLayer, samples, 12);
        out.append("  share of samples by thread (numbers in names folded: a pool counts as one)\n");
        appendTop(out, byThread, samples, 8);
        out.append("  hottest methods (where the sample was taken)\n");
        appendTop(out, byMethod, samples, 10);
        return out.toString();
    }

    private static void appendTop(StringBuilder out, Map<String, Integer> counts, int total, int limit) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> out.append("    %5.1f%%  %s%n".formatted(100.0 * e.getValue() / total, e.getKey())));
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    /** A thread's name with its numbers folded, so that {@code http-nio-8080-exec-3} counts with its pool. */
    private static String threadKind(@Nullable RecordedThread thread) {
        if (thread == null || thread.getJavaName() == null) {
            return "(not a Java thread)";
        }
        return thread.getJavaName().replaceAll("\\d+", "N");
    }

    private static String processName(String javaArguments) {
        if (javaArguments == null || javaArguments.isBlank()) {
            return "?";
        }
        String first = javaArguments.split(" ")[0];
        if (first.endsWith(".jar")) {
            return Path.of(first).getFileName().toString();
        }
        return first;
    }

    /** Forgets the statements recorded so far (warm-up and set-up), so the report covers the measured phases. */
    public static void resetStatements(String superuserJdbcUrl) {
        try (Connection c = DriverManager.getConnection(superuserJdbcUrl, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            s.execute("SELECT pg_stat_statements_reset()");
        } catch (SQLException e) {
            System.out.println("till: pg_stat_statements unavailable, no statement profile: " + e.getMessage());
        }
    }

    /** The statements that took the most database time, over every database of the cluster. */
    public static String statements(String superuserJdbcUrl, int limit) {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(superuserJdbcUrl, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            try (ResultSet r = s.executeQuery("""
                    SELECT d.datname, st.calls, st.plans, st.total_plan_time, st.total_exec_time, st.mean_exec_time, st.rows,
                           regexp_replace(st.query, '\\s+', ' ', 'g') AS query
                    FROM pg_stat_statements st JOIN pg_database d ON d.oid = st.dbid
                    ORDER BY st.total_exec_time + st.total_plan_time DESC
                    LIMIT %d
                    """.formatted(limit))) {
                while (r.next()) {
                    String query = r.getString("query");
                    rows.add("  %-10s %9d %9d %9.0f %10.0f %8.3f %9d  %s"
                            .formatted(
                                    r.getString("datname"),
                                    r.getLong("calls"),
                                    r.getLong("plans"),
                                    r.getDouble("total_plan_time"),
                                    r.getDouble("total_exec_time"),
                                    r.getDouble("mean_exec_time"),
                                    r.getLong("rows"),
                                    query.length() > 110 ? query.substring(0, 110) + "…" : query));
                }
            }
        } catch (SQLException e) {
            return "  pg_stat_statements unavailable: " + e.getMessage() + "\n";
        }
        return "  database       calls     plans   plan ms   total ms  mean ms      rows  statement\n"
                + String.join("\n", rows) + "\n";
    }
}
