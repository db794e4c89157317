package till.ledger.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.ChargeReversed;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.PostRefund;
import till.contracts.ledger.RecordPayment;
import till.contracts.ledger.RefundPosted;
import till.contracts.ledger.ReverseCharge;
import till.ledger.LedgerIntegrationTest;
import till.ledger.LedgerRow;
import till.platform.kafka.Topics;
import till.testsupport.ContractExamples;
import till.testsupport.TestInfrastructure;
import till.testsupport.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The consumer side of the contract: the contracts' example of every command on {@code ledger.commands}, sent as
 * it is, goes through the real listener and is applied as the SPEC says (an entry for each, a reply for each that
 * belongs to a checkout), none dead-lettered.
 */
class ConsumesEveryExampleIT extends LedgerIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** Charged, part refunded, the charge reversed, then a payment that belongs to no checkout. */
    private static final List<String> CONSUMED =
            List.of(PostCharge.TYPE, PostRefund.TYPE, ReverseCharge.TYPE, RecordPayment.TYPE);

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    JsonMapper mapper;

    @Test
    void everyExampleCommandIsApplied() {
        List<JsonNode> examples = CONSUMED.stream()
                .map(t -> mapper.readTree(ContractExamples.of(t)))
                .toList();
        String customerId = examples.getFirst().get("subject").asString();
        String checkoutId = examples.getFirst().get("data").get("checkoutId").asString();
        customers.save(customerId, "Ada", 100_000);

        String kafkaServers = TestInfrastructure.kafkaBootstrapServers();
        try (TopicReader replies = TopicReader.open(kafkaServers, Topics.CHECKOUT_REPLIES);
                TopicReader deadLetters = TopicReader.open(kafkaServers, Topics.deadLetter(Topics.LEDGER_COMMANDS))) {
            for (String type : CONSUMED) {
                kafka.send(Topics.LEDGER_COMMANDS, customerId, ContractExamples.of(type))
                        .join();
            }
            // The reader's consumer is polled on this thread only.
            List<String> answered = await().atMost(PATIENCE)
                    .pollInSameThread()
                    .until(
                            () -> replies.records().stream()
                                    .filter(r -> checkoutId.equals(r.key()))
                                    .map(r -> mapper.readTree(r.value())
                                            .get("type")
                                            .asString())
                                    .toList(),
                            types -> types.size() >= 3);
            assertThat(answered).containsExactly(ChargePosted.TYPE, RefundPosted.TYPE, ChargeReversed.TYPE);
            await().atMost(PATIENCE).until(() -> entries(customerId).size() == 4);
            assertThat(deadLetters.recordsToEnd().stream().map(ConsumerRecord::key))
                    .doesNotContain(customerId);
        }
        List<LedgerRow> rows = entries(customerId);
        assertThat(rows).extracting(LedgerRow::kind).containsExactly("SALE", "REFUND", "SALE_REVERSAL", "PAYMENT");
        // 99,800 charged, 49,900 refunded, the 99,800 reversed, 20,000 paid.
        assertThat(balance(customerId)).isEqualTo(-69_900);
        assertInvariantsHold();
    }
}
