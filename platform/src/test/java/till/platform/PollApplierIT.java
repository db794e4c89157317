package till.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import till.contracts.ledger.RecordPayment;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.InboundMessages;
import till.platform.kafka.Topics;
import tools.jackson.databind.json.JsonMapper;

/**
 * A poll's records are applied in one transaction; a failure is pinned on its own record, and nothing is lost,
 * doubled or reordered. The listener is started only once the records are on the topic, so its first poll holds
 * them all.
 */
class PollApplierIT extends PlatformHarness {

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    JsonMapper mapper;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ConsumerFactory<?, ?> consumers;

    @Autowired
    PlatformTestApplication.PollRecordingListener listener;

    @BeforeEach
    void table() {
        jdbc.sql("""
                        CREATE TABLE IF NOT EXISTS poll_applied (
                            seq bigserial PRIMARY KEY, payment_id text NOT NULL, customer_id text NOT NULL,
                            amount_minor bigint NOT NULL, txid bigint NOT NULL)
                        """).update();
    }

    @AfterEach
    void stopListener() {
        listeners
                .getListenerContainer(PlatformTestApplication.PollRecordingListener.LISTENER_ID)
                .stop();
    }

    private void startListener() {
        listeners
                .getListenerContainer(PlatformTestApplication.PollRecordingListener.LISTENER_ID)
                .start();
    }

    private String payment(String customer, String paymentId, long amount) {
        return mapper.writeValueAsString(CloudEvent.create(
                RecordPayment.TYPE,
                "/test",
                customer,
                mapper.valueToTree(new RecordPayment(paymentId, customer, amount))));
    }

    private record Applied(String paymentId, String customerId, long amountMinor, long txid) {}

    private List<Applied> applied(String run) {
        return jdbc.sql("""
                        SELECT payment_id, customer_id, amount_minor, txid FROM poll_applied
                        WHERE customer_id LIKE ? ORDER BY seq
                        """)
                .param(run + "%")
                .query((rs, n) -> new Applied(
                        rs.getString("payment_id"),
                        rs.getString("customer_id"),
                        rs.getLong("amount_minor"),
                        rs.getLong("txid")))
                .list();
    }

    @Test
    void everyListenerCommitsItsOffsetsOnceASecondWithoutWaitingForTheBroker() {
        assertThat(listeners.getListenerContainers()).isNotEmpty().allSatisfy(container -> {
            ContainerProperties properties = container.getContainerProperties();
            assertThat(properties.isSyncCommits()).as(container.getListenerId()).isFalse();
            assertThat(properties.getAckMode())
                    .as(container.getListenerId())
                    .isEqualTo(ContainerProperties.AckMode.TIME);
            assertThat(properties.getAckTime()).isEqualTo(1000L);
        });
    }

    @Test
    void aPollOfOneHundredCommandsIsAppliedInAHandfulOfTransactions() {
        String run = "batch-" + UUID.randomUUID() + "-";
        for (int i = 0; i < 100; i++) {
            String customer = run + (i % 5);
            kafka.send(Topics.LEDGER_COMMANDS, customer, payment(customer, run + "p" + i, i + 1));
        }
        kafka.flush();

        startListener();

        await().atMost(Duration.ofSeconds(60)).until(() -> applied(run).size() >= 100);
        List<Applied> applied = applied(run);
        assertThat(applied).hasSize(100);
        assertThat(applied.stream().map(Applied::paymentId).distinct()).hasSize(100);
        // One transaction per record would be 100; a poll at a time is one per poll (a few, by partition fetches).
        assertThat(applied.stream().map(Applied::txid).distinct().count()).isLessThanOrEqualTo(12);
        // Each record read is timed from its send (the hop's Kafka segment in the checkout benchmark's breakdown).
        assertThat(meters.get(InboundMessages.RECORD_AGE)
                        .tag("topic", Topics.LEDGER_COMMANDS)
                        .timer()
                        .count())
                .isGreaterThanOrEqualTo(100);
    }

    @Test
    void poisonAndATransientFailureArePinnedOnTheirRecordsAndEveryOtherCommandIsAppliedOnceInOrder() {
        String run = "faults-" + UUID.randomUUID() + "-";
        String customer = run + "a";
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            if (i == 10) {
                kafka.send(Topics.LEDGER_COMMANDS, customer, "{{{ not json");
            }
            String paymentId = (i == 25 ? "flaky-" : "") + run + "p" + i;
            sent.add(paymentId);
            kafka.send(Topics.LEDGER_COMMANDS, customer, payment(customer, paymentId, i + 1));
        }
        kafka.flush();

        startListener();

        await().atMost(Duration.ofSeconds(60)).until(() -> applied(run).size() >= sent.size());
        // Every valid command exactly once, in the order sent on the key's partition; the rows the failed
        // attempts wrote were rolled back with them.
        assertThat(applied(run).stream().map(Applied::paymentId)).containsExactlyElementsOf(sent);
        // A poll returns what the partition holds, so a second dead letter would come back with the first.
        List<ConsumerRecord<String, String>> deadLetters = read(
                Topics.deadLetter(Topics.LEDGER_COMMANDS), r -> customer.equals(r.key()), found -> !found.isEmpty());
        assertThat(deadLetters).singleElement().satisfies(d -> {
            assertThat(d.value()).isEqualTo("{{{ not json");
            assertThat(header(d, "till-dlt-reason")).contains("not JSON");
        });
        assertThat(listener.failedOnce).contains(sent.get(25));
    }
}
