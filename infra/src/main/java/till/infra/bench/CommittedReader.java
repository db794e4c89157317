package till.infra.bench;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The benchmark's own reader of Till's topics, which it assigns and seeks itself: no group, no offsets kept. */
final class CommittedReader {

    private CommittedReader() {}

    /**
     * A consumer that reads as Till's consumers do, {@code read_committed}: the relays publish in Kafka transactions
     * (ADR 15), and {@code read_uncommitted} would show aborted ones' records too.
     */
    static KafkaConsumer<String, String> open(Map<String, Object> kafka) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props);
    }
}
