package till.infra.tools;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./run replay --topic <topic>.DLT [--id <message id>] [--dry-run]}: re-publishes dead letters to the topic
 * they came from, after the fix, with their key, value and headers (less the dead-letter ones). Reads the
 * dead-letter topic as it stands when started and stops at its end. Replaying twice is safe: consumers skip a
 * message id they have already applied.
 */
public final class Replay {

    private Replay() {}

    public static void main(String[] args) throws Exception {
        String topic = null;
        String id = null;
        boolean dryRun = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--topic" -> topic = args[++i];
                case "--id" -> id = args[++i];
                case "--dry-run" -> dryRun = true;
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (topic == null || !topic.endsWith(".DLT")) {
            usage("--topic must name a dead-letter topic (<topic>.DLT)");
            return;
        }
        int replayed = replay(StackEnv.kafkaClientConfig(), topic, id, dryRun);
        System.out.println((dryRun ? "would replay " : "replayed ") + replayed + " record(s) from " + topic);
    }

    /** {@code kafka}: the client settings to reach the broker (the operator's: {@code StackEnv}). */
    public static int replay(
            Map<String, Object> kafka, String deadLetterTopic, @Nullable String onlyId, boolean dryRun) {
        JsonMapper json = JsonMapper.builder().build();
        Properties consumerProps = new Properties();
        consumerProps.putAll(kafka);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        // Dead letters are written outside transactions, but every reader of Till's topics reads committed (ADR 15).
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Properties producerProps = new Properties();
        producerProps.putAll(kafka);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        int replayed = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps);
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            List<TopicPartition> partitions = consumer.partitionsFor(deadLetterTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!reachedEnd(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset()
                            >= end.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L)) {
                        continue;
                    }
                    String messageId = messageId(json, record.value());
                    if (onlyId != null && !onlyId.equals(messageId)) {
                        continue;
                    }
                    String source = header(record, "kafka_dlt-original-topic");
                    String target =
                            source != null ? source : deadLetterTopic.substring(0, deadLetterTopic.length() - 4);
                    System.out.printf(
                            "%s %s-%d@%d key=%s id=%s -> %s (was: %s)%n",
                            dryRun ? "would replay" : "replaying",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            record.key(),
                            messageId,
                            target,
                            header(record, "till-dlt-reason"));
                    if (!dryRun) {
                        ProducerRecord<String, String> out = new ProducerRecord<>(target, record.key(), record.value());
                        for (Header h : record.headers()) {
                            if (!h.key().startsWith("kafka_dlt-") && !h.key().startsWith("till-dlt-")) {
                                out.headers().add(h);
                            }
                        }
                        out.headers()
                                .add(
                                        "till-replayed-from",
                                        (record.topic() + "-" + record.partition() + "@" + record.offset())
                                                .getBytes(StandardCharsets.UTF_8));
                        producer.send(out).get();
                    }
                    replayed++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the broker refused a replayed record: " + e.getCause(), e.getCause());
        }
        return replayed;
    }

    private static boolean reachedEnd(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        List<TopicPartition> behind = new ArrayList<>();
        end.forEach((partition, offset) -> {
            if (consumer.position(partition) < offset) {
                behind.add(partition);
            }
        });
        return behind.isEmpty();
    }

    private static @Nullable String messageId(JsonMapper json, @Nullable String value) {
        try {
            JsonNode id = value == null ? null : json.readTree(value).get("id");
            return id == null ? null : id.asString();
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static @Nullable String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: ./run replay --topic <topic>.DLT [--id <message id>] [--dry-run]");
        System.exit(2);
    }
}
