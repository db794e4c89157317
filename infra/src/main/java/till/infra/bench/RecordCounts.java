package till.infra.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records a phase appended to each topic of the broker, {@code __consumer_offsets} included (every offset
 * commit is one): per confirmed checkout ({@link Counts}), how many messages a checkout costs. Every message costs
 * an outbox row, a send and its mark, a broker append, a poll and an inbox row.
 *
 * <p>The partitions' end offsets alone overcount: a Kafka transaction (ADR 15) ends with a marker in every partition
 * it wrote, which takes an offset and is no message, and an aborted transaction's records take offsets too. So the
 * topics the services write are read back between two readings of their end offsets, as their consumers read them
 * ({@code read_committed}), and what the offsets hold beyond those records is counted apart.
 */
final class RecordCounts {

    /** Topics whose offsets are all records, read by no {@code read_committed} consumer of Till's. */
    private static final Set<String> INTERNAL = Set.of("__consumer_offsets", "__transaction_state");

    private static final Duration READ_LIMIT = Duration.ofMinutes(1);

    private RecordCounts() {}

    /** Every partition's end offset now, internal topics included. */
    static Map<TopicPartition, Long> endOffsets(Map<String, Object> operatorConfig) {
        try (Admin admin = Admin.create(operatorConfig)) {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true))
                    .names()
                    .get(30, TimeUnit.SECONDS);
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = described.values().stream()
                    .flatMap(topic ->
                            topic.partitions().stream().map(p -> new TopicPartition(topic.name(), p.partition())))
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the topics' end offsets", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the topics' end offsets", e);
        }
    }

    /** The offsets taken between two readings, by topic: records, transaction markers and aborted records. */
    static Counts offsetsTaken(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        SortedMap<String, Long> byTopic = new TreeMap<>();
        to.forEach((partition, end) ->
                byTopic.merge(partition.topic(), end - from.getOrDefault(partition, 0L), Long::sum));
        byTopic.values().removeIf(taken -> taken <= 0);
        return new Counts(byTopic);
    }

    /**
     * The records a {@code read_committed} reader gets between two readings of the end offsets, by topic: the
     * internal topics' offsets as they are, every other topic read back. The read is bounded in time; a topic not
     * read to its end in it fails the count rather than undercount.
     */
    static Counts committedRecords(
            Map<String, Object> operatorConfig, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        SortedMap<String, Long> byTopic = new TreeMap<>();
        Map<TopicPartition, Long> toRead = new HashMap<>();
        to.forEach((partition, end) -> {
            long start = from.getOrDefault(partition, 0L);
            if (end <= start) {
                return;
            }
            if (INTERNAL.contains(partition.topic())) {
                byTopic.merge(partition.topic(), end - start, Long::sum);
            } else {
                toRead.put(partition, end);
            }
        });
        if (toRead.isEmpty()) {
            return new Counts(byTopic);
        }
        try (KafkaConsumer<String, String> consumer = CommittedReader.open(operatorConfig)) {
            List<TopicPartition> partitions = List.copyOf(toRead.keySet());
            consumer.assign(partitions);
            partitions.forEach(p -> consumer.seek(p, from.getOrDefault(p, 0L)));
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < toRead.getOrDefault(p, 0L))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the phase's records back within " + READ_LIMIT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < toRead.getOrDefault(partition, 0L)) {
                        byTopic.merge(record.topic(), 1L, Long::sum);
                    }
                });
            }
        }
        return new Counts(byTopic);
    }
}
