package till.infra.chaos;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.tools.ConsoleProducer;
import till.infra.stack.PrivateFiles;

/**
 * The broker as an operator reaches it: records sent with Kafka's own console producer (a JVM of its own, as
 * {@code ./run kafka console-producer} runs it), and whole topics read back for the checks.
 */
final class KafkaConsole {

    /** A key and a value, as the console producer reads them: {@code key<TAB>value} on one line. */
    record Line(String key, String value) {}

    /** The operator's client settings: bootstrap servers and login. */
    private final Map<String, Object> kafka;

    private final Path logs;

    KafkaConsole(Map<String, Object> kafka, Path logs) {
        this.kafka = Map.copyOf(kafka);
        this.logs = logs;
    }

    /** Sends the lines to the topic with {@code kafka-console-producer}, failing unless it exits 0. */
    void produce(String topic, List<Line> lines) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                ConsoleProducer.class.getName(),
                "--bootstrap-server",
                String.valueOf(kafka.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)),
                "--topic",
                topic,
                "--reader-property",
                "parse.key=true",
                "--reader-property",
                "key.separator=\t"));
        Path log = logs.resolve("console-producer.log");
        try {
            Files.createDirectories(logs);
            // The login as an operator gives it, in a file, as ./run kafka does: not on a command line others can list.
            command.addAll(List.of("--command-config", commandConfig().toString()));
            Process producer = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            try (Writer in = new OutputStreamWriter(producer.getOutputStream(), StandardCharsets.UTF_8)) {
                for (Line line : lines) {
                    if (line.key().contains("\t") || line.value().contains("\n")) {
                        throw new IllegalArgumentException("not one console line: " + line);
                    }
                    in.write(line.key() + "\t" + line.value() + "\n");
                }
            }
            if (!producer.waitFor(90, TimeUnit.SECONDS)) {
                producer.destroyForcibly();
                throw new IllegalStateException("the console producer did not finish within 90 s; see " + log);
            }
            if (producer.exitValue() != 0) {
                throw new IllegalStateException(
                        "the console producer failed with " + producer.exitValue() + "; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run the console producer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the console producer ran", e);
        }
    }

    private Path commandConfig() {
        Path file = logs.resolve("console-producer.properties");
        PrivateFiles.writeProperties(file, kafka, "the console producer's login: the operator's");
        return file;
    }

    /** Every record the topic holds now, from its beginning to its end as it was when asked. */
    List<ConsumerRecord<String, String>> readAll(String topic) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.putAll(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false));
        // The relays publish in Kafka transactions (ADR 15): read_uncommitted would show aborted ones' records too.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Instant giveUp = Instant.now().plus(Duration.ofMinutes(2));
            while (!partitions.stream().allMatch(p -> consumer.position(p) >= end.getOrDefault(p, 0L))) {
                if (Instant.now().isAfter(giveUp)) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 2 minutes");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                    if (record.offset() < end.getOrDefault(new TopicPartition(topic, record.partition()), 0L)) {
                        records.add(record);
                    }
                });
            }
        }
        return records;
    }
}
