package till.infra.bench;

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
import org.apache.kafka.common.TopicPartition;

/**
 * How many records each topic of the broker holds, from its partitions' end offsets, {@code __consumer_offsets}
 * included (every offset commit is one): per phase and confirmed checkout ({@link Counts}), how many messages a
 * checkout costs. Every message costs an outbox row, a send and its mark, a broker append, a poll and an inbox row.
 */
final class RecordCounts {

    private RecordCounts() {}

    /** Records appended so far, by topic. */
    static Counts read(Map<String, Object> operatorConfig) {
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
            SortedMap<String, Long> byTopic = new TreeMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((partition, end) -> byTopic.merge(partition.topic(), end.offset(), Long::sum));
            return new Counts(byTopic);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the topics' end offsets", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the topics' end offsets", e);
        }
    }
}
