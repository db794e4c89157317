package till.platform.deadletter;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;
import till.platform.kafka.Topics;

/**
 * {@code till.dlt.records} (tag {@code topic}): the records on the dead-letter topic of each topic this service's
 * listeners consume, read from the broker's offsets every 15 s. It counts what is there, whoever wrote it, and
 * falls when the records expire; an alert fires on its increase. Read here rather than counted where records are
 * dead-lettered so that a replay tool, a second instance or a restart cannot make it disagree with the topic. It
 * reads on a thread of its own: with the broker away each read waits for its timeout, and the application's
 * scheduler (which runs the checkout deadline sweeper) must not wait with it.
 */
@Component
class DeadLetterMetrics implements DisposableBean {

    private static final Duration EVERY = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(DeadLetterMetrics.class);

    private final KafkaListenerEndpointRegistry listeners;
    private final KafkaAdmin kafkaAdmin;
    private final MeterRegistry meters;
    private final Map<String, AtomicLong> records = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("till-dlt-metrics").factory());
    private @Nullable Admin admin;

    DeadLetterMetrics(KafkaListenerEndpointRegistry listeners, KafkaAdmin kafkaAdmin, MeterRegistry meters) {
        this.listeners = listeners;
        this.kafkaAdmin = kafkaAdmin;
        this.meters = meters;
    }

    /** Once the listeners are registered and the application is up: from then on, every {@link #EVERY}. */
    @EventListener(ApplicationReadyEvent.class)
    void start() {
        reader.scheduleWithFixedDelay(this::refresh, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    void refresh() {
        // Nothing may escape: an exception would end the schedule for good.
        try {
            Set<String> deadLetterTopics = deadLetterTopics();
            if (deadLetterTopics.isEmpty()) {
                return;
            }
            Admin client = admin();
            Map<String, TopicDescription> described =
                    client.describeTopics(deadLetterTopics).allTopicNames().get(10, TimeUnit.SECONDS);
            List<TopicPartition> partitions = described.values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                    .toList();
            Map<TopicPartition, ListOffsetsResultInfo> earliest = offsets(client, partitions, OffsetSpec.earliest());
            Map<TopicPartition, ListOffsetsResultInfo> latest = offsets(client, partitions, OffsetSpec.latest());
            for (String topic : described.keySet()) {
                long count = partitions.stream()
                        .filter(p -> p.topic().equals(topic))
                        .mapToLong(p -> offset(latest, p) - offset(earliest, p))
                        .sum();
                gauge(topic).set(count);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The gauges keep their last value; the next refresh tries again.
            log.warn("could not read the dead-letter topics' offsets: {}", e.toString());
        }
    }

    /** The partition's offset as listed; every partition described was asked for, so a missing one is a bug. */
    private static long offset(Map<TopicPartition, ListOffsetsResultInfo> offsets, TopicPartition partition) {
        ListOffsetsResultInfo info = offsets.get(partition);
        if (info == null) {
            throw new IllegalStateException("no offset listed for " + partition);
        }
        return info.offset();
    }

    private Set<String> deadLetterTopics() {
        Collection<MessageListenerContainer> containers = listeners.getListenerContainers();
        return containers.stream()
                .map(c -> c.getContainerProperties().getTopics())
                .filter(topics -> topics != null)
                .flatMap(Arrays::stream)
                .map(Topics::deadLetter)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<TopicPartition, ListOffsetsResultInfo> offsets(
            Admin client, List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        return client.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec)))
                .all()
                .get(10, TimeUnit.SECONDS);
    }

    private AtomicLong gauge(String topic) {
        return records.computeIfAbsent(topic, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("till.dlt.records", value, AtomicLong::get)
                    .description("records on the dead-letter topic, by topic")
                    .tag("topic", t)
                    .register(meters);
            return value;
        });
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(kafkaAdmin.getConfigurationProperties());
        }
        return admin;
    }

    @Override
    public synchronized void destroy() {
        reader.shutdownNow();
        if (admin != null) {
            admin.close();
        }
    }
}
