package till.ledger.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.ChargeRejected;
import till.contracts.ledger.ChargeReversed;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.PostRefund;
import till.contracts.ledger.RecordPayment;
import till.contracts.ledger.RefundPosted;
import till.contracts.ledger.ReverseCharge;
import till.ledger.LedgerIntegrationTest;
import till.ledger.LedgerRow;
import till.ledger.Race;
import till.ledger.posting.PostingResult;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;
import till.testsupport.TestInfrastructure;
import till.testsupport.TopicReader;
import tools.jackson.databind.json.JsonMapper;

/** The ledger's commands through the real broker: replies, idempotency, ordering surprises and poison. */
class LedgerCommandsIT extends LedgerIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    JsonMapper mapper;

    TopicReader replies;

    @BeforeEach
    void tailReplies() {
        replies = TopicReader.open(TestInfrastructure.kafkaBootstrapServers(), Topics.CHECKOUT_REPLIES);
    }

    @AfterEach
    void closeReplies() {
        replies.close();
    }

    @Test
    void thirtyTwoChargesThroughKafkaRacingDirectPostingsPostExactlyWhatTheLimitAllows() {
        String customer = newCustomer(1_000);
        List<String> checkouts =
                IntStream.range(0, 32).mapToObj(i -> customer + "-kafka-" + i).toList();

        checkouts.forEach(checkout -> send(customer, PostCharge.TYPE, new PostCharge(checkout, customer, 100L)));
        // Another writer (an admin tool, a zombie consumer) charging the same customer at the same time.
        List<PostingResult> direct = Race.run(16, i -> ledger.charge(customer, customer + "-direct-" + i, 100));

        List<CloudEvent> answers = awaitReplies(r -> checkouts.contains(r.subject()), 32);
        long postedThroughKafka =
                answers.stream().filter(r -> r.type().equals(ChargePosted.TYPE)).count();
        assertThat(answers.stream().filter(r -> r.type().equals(ChargeRejected.TYPE)))
                .hasSize(32 - (int) postedThroughKafka)
                .allMatch(r -> r.data().get("reason").asString().equals("CREDIT_LIMIT_EXCEEDED"));
        long postedDirectly =
                direct.stream().filter(PostingResult.Appended.class::isInstance).count();
        assertThat(postedThroughKafka + postedDirectly).isEqualTo(10);

        List<LedgerRow> rows = entries(customer);
        assertThat(rows).hasSize(10).allMatch(r -> r.kind().equals("SALE"));
        assertThat(LedgerRow.assertChainUnbroken(rows)).isEqualTo(1_000);
        assertThat(LedgerRow.sum(rows)).isEqualTo(1_000);
        assertThat(balance(customer)).isEqualTo(1_000);
        assertInvariantsHold();
    }

    @Test
    void theSamePostChargeTwiceUnderOneIdOrTwoPostsOneEntry() {
        String customer = newCustomer(1_000);
        String checkout = customer + "-checkout";
        CloudEvent charge = event(customer, PostCharge.TYPE, new PostCharge(checkout, customer, 250L));

        send(charge);
        send(charge);
        send(customer, PostCharge.TYPE, new PostCharge(checkout, customer, 250L));

        // The first and the third (a new id) are answered; the second is the same message and is skipped.
        List<CloudEvent> answers =
                awaitRepliesAndNoMore(customer, r -> r.subject().equals(checkout), 2);
        assertThat(answers)
                .allMatch(r -> r.type().equals(ChargePosted.TYPE))
                .allMatch(r -> r.data().get("amountMinor").asLong() == 250)
                .allMatch(r -> r.data().get("balanceAfterMinor").asLong() == 250);
        assertThat(entries(customer)).hasSize(1);
        assertThat(balance(customer)).isEqualTo(250);
        assertThat(jdbc.sql("SELECT count(*) FROM inbox WHERE message_id = ?")
                        .param(charge.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aReversalBeforeItsChargeRefusesTheLateCharge() {
        String customer = newCustomer(1_000);
        String checkout = customer + "-checkout";

        send(customer, ReverseCharge.TYPE, new ReverseCharge(checkout, customer));
        send(customer, PostCharge.TYPE, new PostCharge(checkout, customer, 300L));

        List<CloudEvent> answers =
                awaitRepliesAndNoMore(customer, r -> r.subject().equals(checkout), 2);
        assertThat(answers).extracting(CloudEvent::type).containsExactly(ChargeReversed.TYPE, ChargeRejected.TYPE);
        assertThat(answers.get(0).data().get("amountMinor").asLong()).isZero();
        assertThat(answers.get(1).data().get("reason").asString()).isEqualTo("ALREADY_REVERSED");
        assertThat(entries(customer)).isEmpty();
        assertThat(balance(customer)).isZero();
    }

    @Test
    void aChargeReversedTwiceIsTakenBackOnce() {
        String customer = newCustomer(1_000);
        String checkout = customer + "-checkout";

        send(customer, PostCharge.TYPE, new PostCharge(checkout, customer, 300L));
        send(customer, ReverseCharge.TYPE, new ReverseCharge(checkout, customer));
        send(customer, ReverseCharge.TYPE, new ReverseCharge(checkout, customer));
        send(customer, PostCharge.TYPE, new PostCharge(checkout, customer, 300L));

        List<CloudEvent> answers =
                awaitRepliesAndNoMore(customer, r -> r.subject().equals(checkout), 4);
        assertThat(answers)
                .extracting(CloudEvent::type)
                .containsExactly(ChargePosted.TYPE, ChargeReversed.TYPE, ChargeReversed.TYPE, ChargePosted.TYPE);
        assertThat(answers.get(1).data().get("amountMinor").asLong()).isEqualTo(300);
        assertThat(answers.get(2).data().get("amountMinor").asLong()).isEqualTo(300);
        assertThat(entries(customer))
                .extracting(LedgerRow::kind, LedgerRow::amountMinor, LedgerRow::balanceAfterMinor)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("SALE", 300L, 300L),
                        org.assertj.core.groups.Tuple.tuple("SALE_REVERSAL", -300L, 0L));
        assertThat(balance(customer)).isZero();
    }

    @Test
    void unknownCustomersAreRejectedAndRefundsAndPaymentsPostOnce() {
        String stranger = "nobody-" + java.util.UUID.randomUUID();
        send(stranger, PostCharge.TYPE, new PostCharge(stranger + "-checkout", stranger, 100L));
        List<CloudEvent> rejected = awaitReplies(r -> r.subject().equals(stranger + "-checkout"), 1);
        assertThat(rejected.get(0).type()).isEqualTo(ChargeRejected.TYPE);
        assertThat(rejected.get(0).data().get("reason").asString()).isEqualTo("UNKNOWN_CUSTOMER");

        String customer = newCustomer(1_000);
        String checkout = customer + "-checkout";
        send(customer, PostCharge.TYPE, new PostCharge(checkout, customer, 600L));
        send(customer, PostRefund.TYPE, new PostRefund(customer + "-refund", checkout, customer, 200L));
        send(customer, PostRefund.TYPE, new PostRefund(customer + "-refund", checkout, customer, 200L));
        send(customer, RecordPayment.TYPE, new RecordPayment(customer + "-payment", customer, 150L));
        send(customer, RecordPayment.TYPE, new RecordPayment(customer + "-payment", customer, 150L));
        send(customer, PostCharge.TYPE, new PostCharge(customer + "-last", customer, 50L));

        // Replies are keyed by checkout id, so only the replies for one checkout are ordered.
        assertThat(awaitRepliesAndNoMore(customer, r -> r.subject().equals(checkout), 3))
                .extracting(CloudEvent::type)
                .containsExactly(ChargePosted.TYPE, RefundPosted.TYPE, RefundPosted.TYPE);
        List<CloudEvent> last = awaitReplies(r -> r.subject().equals(customer + "-last"), 1);
        assertThat(last.get(0).type()).isEqualTo(ChargePosted.TYPE);
        assertThat(last.get(0).data().get("balanceAfterMinor").asLong()).isEqualTo(300);
        assertThat(entries(customer))
                .extracting(LedgerRow::kind, LedgerRow::amountMinor, LedgerRow::balanceAfterMinor)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("SALE", 600L, 600L),
                        org.assertj.core.groups.Tuple.tuple("REFUND", -200L, 400L),
                        org.assertj.core.groups.Tuple.tuple("PAYMENT", -150L, 250L),
                        org.assertj.core.groups.Tuple.tuple("SALE", 50L, 300L));

        try (TopicReader facts = TopicReader.open(TestInfrastructure.kafkaBootstrapServers(), Topics.LEDGER_EVENTS)) {
            await().atMost(PATIENCE)
                    .pollInSameThread()
                    .until(() -> facts.records().stream()
                                    .filter(r -> customer.equals(r.key()))
                                    .count()
                            == 4);
        }
        assertInvariantsHold();
    }

    @Test
    void poisonGoesToTheDeadLetterTopicWithAReasonAndTheNextMessageIsApplied() {
        String customer = newCustomer(1_000);
        String other = newCustomer(1_000);
        sendRaw(customer, "this is not JSON");
        send(customer, "till.ledger.Nonsense", Map.of("customerId", customer));
        send(
                customer,
                PostCharge.TYPE,
                Map.of("checkoutId", customer + "-negative", "customerId", customer, "amountMinor", -5));
        send(customer, PostCharge.TYPE, Map.of("checkoutId", customer + "-missing", "customerId", customer));
        send(customer, PostCharge.TYPE, new PostCharge(customer + "-other", other, 100L));
        send(customer, PostCharge.TYPE, new PostCharge(customer + "-good", customer, 100L));

        List<CloudEvent> answers = awaitReplies(r -> r.subject().startsWith(customer + "-"), 1);
        assertThat(answers.get(0).type()).isEqualTo(ChargePosted.TYPE);
        assertThat(answers.get(0).subject()).isEqualTo(customer + "-good");
        assertThat(entries(customer)).extracting(LedgerRow::reference).containsExactly(customer + "-good");
        assertThat(entries(other)).isEmpty();

        try (TopicReader deadLetters = TopicReader.open(
                TestInfrastructure.kafkaBootstrapServers(), Topics.deadLetter(Topics.LEDGER_COMMANDS))) {
            List<ConsumerRecord<String, String>> dead = new ArrayList<>();
            await().atMost(PATIENCE).pollInSameThread().until(() -> {
                dead.clear();
                deadLetters.records().stream()
                        .filter(r -> customer.equals(r.key()))
                        .forEach(dead::add);
                return dead.size() >= 5;
            });
            assertThat(dead).hasSize(5);
            List<String> reasons = dead.stream().map(LedgerCommandsIT::reason).toList();
            assertThat(reasons).allMatch(reason -> !reason.isBlank());
            assertThat(reasons.get(0)).contains("not JSON");
            assertThat(reasons.get(1)).contains("till.ledger.Nonsense");
            assertThat(reasons.get(2)).contains("amountMinor");
            assertThat(reasons.get(3)).contains("amountMinor");
            assertThat(reasons.get(4)).contains(other);
        }
        assertInvariantsHold();
    }

    private static String reason(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader("till-dlt-reason");
        assertThat(header).as("till-dlt-reason header").isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * {@link #awaitReplies}, then a last command on the customer's partition (a reversal of a checkout never
     * charged, which leaves a marker and no entry): once it is answered and the outbox is empty, every answer the
     * earlier commands caused is on the topic, so reading it to its end shows one answer too many.
     */
    private List<CloudEvent> awaitRepliesAndNoMore(String customer, Predicate<CloudEvent> wanted, int count) {
        awaitReplies(wanted, count);
        String last = customer + "-last-" + java.util.UUID.randomUUID();
        send(customer, ReverseCharge.TYPE, new ReverseCharge(last, customer));
        awaitReplies(r -> r.subject().equals(last), 1);
        await().atMost(PATIENCE)
                .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                                .query(Long.class)
                                .single()
                        == 0);
        List<CloudEvent> found = replies.recordsToEnd().stream()
                .map(r -> CloudEvent.parse(r.value(), mapper))
                .filter(wanted)
                .toList();
        assertThat(found).as("no more answers than commands that deserve one").hasSize(count);
        return found;
    }

    private List<CloudEvent> awaitReplies(Predicate<CloudEvent> wanted, int count) {
        List<CloudEvent> found = new ArrayList<>();
        await().atMost(PATIENCE).pollInSameThread().until(() -> {
            found.clear();
            replies.records().stream()
                    .map(r -> CloudEvent.parse(r.value(), mapper))
                    .filter(wanted)
                    .forEach(found::add);
            return found.size() >= count;
        });
        assertThat(found).hasSize(count);
        return found;
    }

    private CloudEvent event(String key, String type, Object data) {
        return CloudEvent.create(type, "/till/ledger-test", key, mapper.valueToTree(data));
    }

    private void send(String key, String type, Object data) {
        send(event(key, type, data));
    }

    private void send(CloudEvent event) {
        sendRaw(event.subject(), mapper.writeValueAsString(event));
    }

    private void sendRaw(String key, String value) {
        kafka.send(Topics.LEDGER_COMMANDS, key, value).join();
    }
}
