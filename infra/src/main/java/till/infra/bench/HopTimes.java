package till.infra.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import till.infra.stack.Stack;
import till.infra.stack.TillService;
import till.platform.kafka.Topics;

/**
 * {@code ./run bench checkout --profile}: where a message's time goes on each hop of the saga, from what the run
 * left behind. Every message is an outbox row; its timeline is read from four clocks of one machine:
 *
 * <ol>
 *   <li>begun: its transaction's start ({@code created_at}, {@code now()});
 *   <li>committed: its transaction's commit ({@code pg_xact_commit_timestamp}, so PostgreSQL runs with
 *       {@code track_commit_timestamp=on} in a profiled run);
 *   <li>produced: the Kafka record's timestamp, which the producer sets when the relay hands the record over;
 *   <li>applied: the consumer's transaction start ({@code inbox.received_at}), if a Till service consumes it.
 * </ol>
 *
 * The segments between them: the writer's transaction, the relay's pick-up, and the trip through the broker to the
 * consumer's transaction. Their sum over a saga's hops is its latency, less the HTTP legs.
 */
final class HopTimes {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    /** One outbox row's timeline; {@code produced} and {@code applied} null when not seen. */
    /** A message's moments; each later one is null when it was not seen (not yet committed, published or applied). */
    private record Message(
            String type,
            Instant begun,
            @Nullable Instant committed,
            @Nullable Instant produced,
            @Nullable Instant applied) {}

    private HopTimes() {}

    /** The messages written between {@code from} and {@code to}, by type: median and 90th percentile per segment. */
    static String report(Stack stack, Instant from, Instant to) {
        // First, while the consumers' timers still cover (a).
        String kafkaLegs = kafkaLegs(stack);
        Map<String, Instant> applied = new HashMap<>();
        Map<String, Message> written = new HashMap<>();
        try {
            for (TillService.Name name : TillService.Name.values()) {
                String url = stack.jdbcUrl(name);
                try (Connection c = DriverManager.getConnection(url, name.id(), name.id())) {
                    readInbox(c, from, to, applied);
                    readOutbox(c, from, to, written);
                }
            }
        } catch (SQLException e) {
            return "  no hop times: " + e.getMessage() + "\n";
        }
        Map<String, Instant> produced = recordTimes(stack.kafkaClientConfig(), written.keySet());
        Map<String, List<Message>> byType = new TreeMap<>();
        written.forEach((id, m) -> byType.computeIfAbsent(m.type(), t -> new ArrayList<>())
                .add(new Message(m.type(), m.begun(), m.committed(), produced.get(id), applied.get(id))));
        StringBuilder out = new StringBuilder(
                "  message type                       count   transaction    relay pick-up   broker to consumer\n"
                        + "                                               p50 / p90 ms     p50 / p90 ms     p50 / p90 ms\n");
        byType.forEach((type, messages) -> out.append("  %-32s %7d %16s %16s %20s%n"
                .formatted(
                        type.replaceFirst("^till\\.", ""),
                        messages.size(),
                        percentiles(messages, m -> between(m.begun(), m.committed())),
                        percentiles(messages, m -> between(m.committed(), m.produced())),
                        percentiles(messages, m -> between(m.produced(), m.applied())))));
        out.append(kafkaLegs);
        return out.toString();
    }

    private static final Pattern RECORD_AGE = Pattern.compile(
            "^till_kafka_record_age_seconds\\{(?=.*quantile=\"([0-9.]+)\")(?=.*topic=\"([^\"]+)\").*\\} ([0-9.eE+-]+)$");

    /**
     * The first part of "broker to consumer": from the record's send to the listener reading it (the consumers'
     * {@code till.kafka.record.age} timers, whose percentiles cover about the last 20 seconds, so read right after
     * (a)). The rest of that segment is the listener's work before its transaction's first statement.
     */
    static String kafkaLegs(Stack stack) {
        StringBuilder out =
                new StringBuilder("  of which send to listener (Kafka and the listener container), by topic:\n");
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (TillService.Name name : TillService.Name.values()) {
                HttpResponse<String> metrics = http.send(
                        HttpRequest.newBuilder(URI.create(stack.service(name).url() + "/actuator/prometheus"))
                                .header(
                                        "Authorization",
                                        stack.credentials().admin().authorization())
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                Map<String, Map<String, Double>> byTopic = new TreeMap<>();
                metrics.body()
                        .lines()
                        .map(RECORD_AGE::matcher)
                        .filter(Matcher::matches)
                        .forEach(m -> byTopic.computeIfAbsent(m.group(2), t -> new TreeMap<>())
                                .put(m.group(1), Double.parseDouble(m.group(3)) * 1000));
                byTopic.forEach((topic, quantiles) -> out.append("  %-32s %45s%n"
                        .formatted(
                                "  " + topic + " (" + name.id() + ")",
                                "%.1f / %.1f".formatted(quantiles.get("0.5"), quantiles.get("0.9")))));
            }
        } catch (IOException | RuntimeException e) {
            out.append("  not read: ").append(e).append('\n');
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out.toString();
    }

    private static void readInbox(Connection c, Instant from, Instant to, Map<String, Instant> applied)
            throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("SELECT message_id, received_at FROM inbox WHERE received_at BETWEEN ? AND ?")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to.plusSeconds(5)));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    applied.put(r.getString(1), r.getTimestamp(2).toInstant());
                }
            }
        }
    }

    private static void readOutbox(Connection c, Instant from, Instant to, Map<String, Message> written)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id::text, type, created_at, pg_xact_commit_timestamp(xid(xid)) AS committed
                FROM outbox WHERE created_at BETWEEN ? AND ?
                """)) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Timestamp committed = r.getTimestamp("committed");
                    written.put(
                            r.getString(1),
                            new Message(
                                    r.getString("type"),
                                    r.getTimestamp("created_at").toInstant(),
                                    committed == null ? null : committed.toInstant(),
                                    null,
                                    null));
                }
            }
        }
    }

    /** Each wanted message's Kafka record timestamp, read from the beginning of every topic to its end. */
    private static Map<String, Instant> recordTimes(Map<String, Object> kafka, java.util.Set<String> wanted) {
        Map<String, Instant> times = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = CommittedReader.open(kafka)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : Topics.ALL) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(p -> consumer.position(p) < end.getOrDefault(p, 0L))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    Matcher id = ID.matcher(record.value() == null ? "" : record.value());
                    if (id.find() && wanted.contains(id.group(1))) {
                        times.putIfAbsent(id.group(1), Instant.ofEpochMilli(record.timestamp()));
                    }
                }
            }
        }
        return times;
    }

    private static @Nullable Double between(@Nullable Instant a, @Nullable Instant b) {
        return a == null || b == null ? null : Duration.between(a, b).toNanos() / 1e6;
    }

    private static String percentiles(
            List<Message> messages, java.util.function.Function<Message, @Nullable Double> segment) {
        double[] values = messages.stream()
                .map(segment)
                .filter(v -> v != null)
                .mapToDouble(Double::doubleValue)
                .sorted()
                .toArray();
        if (values.length == 0) {
            return "-";
        }
        return "%.1f / %.1f"
                .formatted(values[values.length / 2], values[(int) Math.min(values.length - 1, values.length * 0.9)]);
    }
}
