package till.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning, every partition, for assertions on what was published. */
public final class TopicReader {

    private TopicReader() {}

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
        return read(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, matching, enough);
    }

    /** As {@link #read(String, String, Predicate, Predicate)}, with a client's settings (a login) for the broker. */
    public static List<ConsumerRecord<String, String>> read(
            Map<String, Object> kafka,
            String topic,
            Predicate<ConsumerRecord<String, String>> matching,
            Predicate<List<ConsumerRecord<String, String>>> enough) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = fromTheBeginning(kafka, topic)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!enough.test(found) && System.nanoTime() < deadline) {
                poll(consumer, matching, found);
            }
            readToEnd(consumer, matching, found);
        }
        return found;
    }

    /**
     * Every record matching {@code matching}, from the beginning up to each partition's end offset as it is when
     * called: for a check that nothing more was sent, made once whatever could have sent more has happened.
     */
    public static List<ConsumerRecord<String, String>> readToEnd(
            String bootstrapServers, String topic, Predicate<ConsumerRecord<String, String>> matching) {
        return readToEnd(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, matching);
    }

    /** As {@link #readToEnd(String, String, Predicate)}, with a client's settings (a login) for the broker. */
    public static List<ConsumerRecord<String, String>> readToEnd(
            Map<String, Object> kafka, String topic, Predicate<ConsumerRecord<String, String>> matching) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = fromTheBeginning(kafka, topic)) {
            readToEnd(consumer, matching, found);
        }
        return found;
    }

    private static KafkaConsumer<String, String> fromTheBeginning(Map<String, Object> kafka, String topic) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static void readToEnd(
            KafkaConsumer<String, String> consumer,
            Predicate<ConsumerRecord<String, String>> matching,
            List<ConsumerRecord<String, String>> found) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read to the end offsets " + end + " within 30 s");
            }
            poll(consumer, matching, found);
        }
    }

    private static void poll(
            KafkaConsumer<String, String> consumer,
            Predicate<ConsumerRecord<String, String>> matching,
            List<ConsumerRecord<String, String>> found) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            if (matching.test(record)) {
                found.add(record);
            }
        }
    }

    /** A header's value as text, or "" when the record does not carry it. */
    public static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
