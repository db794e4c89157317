package till.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import till.infra.SharedStack;
import till.infra.stack.Stack;

/**
 * The benchmark's count of Kafka records per checkout, against the shared stack's broker: a committed transaction's
 * records are counted, its markers and an aborted transaction's records are not, though all of them take offsets.
 */
class RecordCountsIT {

    private final Stack stack = SharedStack.get();

    @Test
    void countsTheRecordsAReadCommittedReaderGetsAndTheMarkersApart() throws Exception {
        String topic = "bench-record-counts-" + UUID.randomUUID();
        Map<String, Object> operator = stack.kafkaClientConfig();
        try (Admin admin = Admin.create(operator)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<TopicPartition, Long> before = RecordCounts.endOffsets(operator);

        Properties props = new Properties();
        props.putAll(operator);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, "a", "1"));
            producer.send(new ProducerRecord<>(topic, 0, "a", "2"));
            producer.send(new ProducerRecord<>(topic, 1, "b", "3"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 1, "b", "aborted"));
            producer.flush();
            producer.abortTransaction();
        }
        Map<TopicPartition, Long> after = RecordCounts.endOffsets(operator);

        // Partition 0: two records and a commit marker; partition 1: a record, its commit marker, the aborted
        // record and its abort marker.
        assertThat(RecordCounts.offsetsTaken(before, after).byName()).containsEntry(topic, 7L);
        Counts records = RecordCounts.committedRecords(operator, before, after);
        assertThat(records.byName()).containsEntry(topic, 3L);
        assertThat(RecordCounts.offsetsTaken(before, after).since(records).byName())
                .containsEntry(topic, 4L);
    }
}
