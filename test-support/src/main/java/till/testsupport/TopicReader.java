package till.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from the beginning, every partition, for assertions on what was published: at once ({@link #read},
 * {@link #readToEnd}), or a poll at a time from a test that waits for what it expects ({@link #open}, then
 * {@link #records} and {@link #recordsToEnd} from one thread, then {@link #close}). It joins no consumer group: it
 * is assigned every partition, so it reads from the first poll, without waiting for a rebalance.
 */
public final class TopicReader implements AutoCloseable {

    /** How long reading on to the end offsets may take, on a shared and busy machine. */
    private static final Duration TO_THE_END = Duration.ofSeconds(60);

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    private TopicReader(Map<String, Object> kafka, String topic) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // What Till's services read, and what the SPEC asks of every reader (ADR 15).
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** A reader of {@code topic} from its beginning; close it. */
    public static TopicReader open(String bootstrapServers, String topic) {
        return open(plain(bootstrapServers), topic);
    }

    /**
     * As {@link #open(String, String)}, with a client's settings for the broker: its bootstrap servers and a login
     * where the broker asks for one.
     */
    public static TopicReader open(Map<String, Object> kafka, String topic) {
        return new TopicReader(kafka, topic);
    }

    /** A broker that lets anyone in, as the modules' test broker does. */
    private static Map<String, Object> plain(String bootstrapServers) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** Everything read so far, after one more poll. */
    public List<ConsumerRecord<String, String>> records() {
        poll();
        return List.copyOf(seen);
    }

    /**
     * Everything read so far, after reading on to every partition's end offset as it is now: for a check that
     * nothing more came, made once whatever could have sent more has happened.
     */
    public List<ConsumerRecord<String, String>> recordsToEnd() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + TO_THE_END.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read to the end offsets " + end + " within " + TO_THE_END);
            }
            poll();
        }
        return List.copyOf(seen);
    }

    private void poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }

    @Override
    public void close() {
        consumer.close();
    }

    /**
     * The records matching {@code matching}, read until {@code enough} holds for them or 30 seconds pass, and then on
     * to every partition's end offset as it was at that moment: a record already on the topic is never left unread
     * because enough had come before it (a duplicate after the expected copies is seen). The caller asserts on what
     * came back; a check that nothing more comes later first waits for the event after which it could have come.
     */
    public static List<ConsumerRecord<String, String>> read(
            String bootstrapServers,
            String topic,
            Predicate<ConsumerRecord<String, String>> matching,
            Predicate<List<ConsumerRecord<String, String>>> enough) {
        return read(plain(bootstrapServers), topic, matching, enough);
    }

    /** As {@link #read(String, String, Predicate, Predicate)}, with a client's settings (a login) for the broker. */
    public static List<ConsumerRecord<String, String>> read(
            Map<String, Object> kafka,
            String topic,
            Predicate<ConsumerRecord<String, String>> matching,
            Predicate<List<ConsumerRecord<String, String>>> enough) {
        try (TopicReader reader = open(kafka, topic)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<ConsumerRecord<String, String>> found = matchingOf(reader.records(), matching);
            while (!enough.test(found) && System.nanoTime() < deadline) {
                found = matchingOf(reader.records(), matching);
            }
            return matchingOf(reader.recordsToEnd(), matching);
        }
    }

    /**
     * Every record matching {@code matching}, from the beginning up to each partition's end offset as it is when
     * called: for a check that nothing more was sent, made once whatever could have sent more has happened.
     */
    public static List<ConsumerRecord<String, String>> readToEnd(
            String bootstrapServers, String topic, Predicate<ConsumerRecord<String, String>> matching) {
        return readToEnd(plain(bootstrapServers), topic, matching);
    }

    /** As {@link #readToEnd(String, String, Predicate)}, with a client's settings (a login) for the broker. */
    public static List<ConsumerRecord<String, String>> readToEnd(
            Map<String, Object> kafka, String topic, Predicate<ConsumerRecord<String, String>> matching) {
        try (TopicReader reader = open(kafka, topic)) {
            return matchingOf(reader.recordsToEnd(), matching);
        }
    }

    private static List<ConsumerRecord<String, String>> matchingOf(
            List<ConsumerRecord<String, String>> records, Predicate<ConsumerRecord<String, String>> matching) {
        return records.stream().filter(matching).toList();
    }

    /** A header's value as text, or "" when the record does not carry it. */
    public static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
