package till.ledger.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.transaction.support.TransactionTemplate;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.ChargeRejected;
import till.contracts.ledger.ChargeReversed;
import till.contracts.ledger.EntryPosted;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.ReverseCharge;
import till.ledger.LedgerIntegrationTest;
import till.ledger.LedgerRow;
import till.ledger.Race;
import till.ledger.posting.Ledger;
import till.ledger.posting.PostingResult;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;
import till.testsupport.StatementCounter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A poll's charges are decided together and written a statement per table (ADR 5, round 13): their customers locked
 * in one statement, what they need read in one, their entries appended in one, their facts and replies in one. Every
 * outcome is the one each charge would have had alone, in poll order.
 */
@ExtendWith(OutputCaptureExtension.class)
class APollOfChargesIsWrittenOnceIT extends LedgerIntegrationTest {

    @Autowired
    LedgerCommandListener listener;

    @Autowired
    JsonMapper mapper;

    @Autowired
    TransactionTemplate tx;

    /** The trace id each record of a test was sent in, by the CloudEvent id of the message it carried. */
    private final Map<String, String> traces = new HashMap<>();

    @Test
    void nineChargesOverSixCustomersInFiveStatements(CapturedOutput output) {
        String a = newCustomer(1_000);
        String b = newCustomer(1_000);
        String c = newCustomer(500);
        String reversed = newCustomer(1_000);
        String earlier = newCustomer(1_000);
        String unknown = "nobody-" + UUID.randomUUID();
        ledger.reverse(reversed, reversed + "-sale");
        ledger.charge(earlier, earlier + "-sale", 200);

        List<ConsumerRecord<String, String>> poll = List.of(
                charge(a, a + "-1", 600),
                charge(b, b + "-1", 300),
                // Over the limit only with the charge before it in the same poll.
                charge(a, a + "-2", 500),
                // Exactly up to the limit.
                charge(a, a + "-3", 400),
                // The same charge again under a new message id, in the same poll: posted once, answered twice.
                charge(b, b + "-1", 300),
                charge(unknown, unknown + "-1", 100),
                charge(reversed, reversed + "-sale", 100),
                charge(earlier, earlier + "-sale", 200),
                charge(c, c + "-1", 500));

        markOutbox();
        long statements = StatementCounter.count(() -> {
                    listener.on(poll);
                    return null;
                })
                .statements();

        assertThat(statements)
                .as("inbox, customers' locks, what the charges need, entries, outbox")
                .isEqualTo(5);
        assertThat(entries(a))
                .extracting(LedgerRow::reference, LedgerRow::balanceAfterMinor)
                .containsExactly(tuple(a + "-1", 600L), tuple(a + "-3", 1_000L));
        assertThat(entries(b)).extracting(LedgerRow::reference).containsExactly(b + "-1");
        assertThat(entries(c)).extracting(LedgerRow::balanceAfterMinor).containsExactly(500L);
        assertThat(entries(reversed)).isEmpty();
        assertThat(entries(earlier)).hasSize(1);

        // The poll's messages in the order written: each appended entry's fact, then each charge's reply.
        assertThat(written(poll))
                .containsExactly(
                        EntryPosted.TYPE + " " + a + " 600",
                        ChargePosted.TYPE + " " + a + "-1 600",
                        EntryPosted.TYPE + " " + b + " 300",
                        ChargePosted.TYPE + " " + b + "-1 300",
                        ChargeRejected.TYPE + " " + a + "-2 CREDIT_LIMIT_EXCEEDED",
                        EntryPosted.TYPE + " " + a + " 1000",
                        ChargePosted.TYPE + " " + a + "-3 1000",
                        ChargePosted.TYPE + " " + b + "-1 300",
                        ChargeRejected.TYPE + " " + unknown + "-1 UNKNOWN_CUSTOMER",
                        ChargeRejected.TYPE + " " + reversed + "-sale ALREADY_REVERSED",
                        ChargePosted.TYPE + " " + earlier + "-sale 200",
                        EntryPosted.TYPE + " " + c + " 500",
                        ChargePosted.TYPE + " " + c + "-1 500");
        // Each message in the trace of the record that caused it, though all are written after the last one.
        assertThat(tracesWritten(poll))
                .containsExactlyElementsOf(tracesSent(poll, 0, 0, 1, 1, 2, 3, 3, 4, 5, 6, 7, 8, 8));
        // And each charge's log line in its record's log context, so one grep of a trace id finds it.
        assertThat(output.getOut().lines())
                .anySatisfy(line -> assertThat(line)
                        .contains("posted SALE " + a + "-1 ")
                        .contains("[" + tracesSent(poll, 0).getFirst() + " " + a + " "));
        assertThat(output.getOut().lines())
                .anySatisfy(line -> assertThat(line)
                        .contains("charge for checkout " + a + "-2 rejected: CREDIT_LIMIT_EXCEEDED")
                        .contains("[" + tracesSent(poll, 2).getFirst() + " " + a + " "));
        assertInvariantsHold();
    }

    @Test
    void aReversalBetweenChargesTakesEffectInItsPlace() {
        String customer = newCustomer(1_000);
        List<ConsumerRecord<String, String>> poll = List.of(
                charge(customer, customer + "-1", 100),
                record(ReverseCharge.TYPE, customer, new ReverseCharge(customer + "-1", customer)),
                charge(customer, customer + "-2", 100));

        markOutbox();
        listener.on(poll);

        assertThat(entries(customer))
                .extracting(LedgerRow::kind, LedgerRow::balanceAfterMinor)
                .containsExactly(tuple("SALE", 100L), tuple("SALE_REVERSAL", 0L), tuple("SALE", 100L));
        assertThat(written(poll))
                .containsExactly(
                        EntryPosted.TYPE + " " + customer + " 100",
                        ChargePosted.TYPE + " " + customer + "-1 100",
                        EntryPosted.TYPE + " " + customer + " 0",
                        ChargeReversed.TYPE + " " + customer + "-1 100",
                        EntryPosted.TYPE + " " + customer + " 100",
                        ChargePosted.TYPE + " " + customer + "-2 100");
        assertInvariantsHold();
    }

    @Test
    void aCheckoutChargedToTwoCustomersInOnePollIsPinnedOnTheSecond() {
        String first = newCustomer(1_000);
        String second = newCustomer(1_000);
        String checkout = "shared-" + UUID.randomUUID();
        List<ConsumerRecord<String, String>> poll =
                List.of(charge(first, checkout, 100), charge(second, checkout, 100));

        assertThatThrownBy(() -> listener.on(poll))
                .isInstanceOfSatisfying(
                        BatchListenerFailedException.class,
                        failed -> assertThat(failed.getIndex()).isEqualTo(1))
                .hasMessageContaining(checkout);

        assertThat(entries(first)).extracting(LedgerRow::reference).containsExactly(checkout);
        assertThat(entries(second)).isEmpty();
        assertInvariantsHold();
    }

    /**
     * Four transactions at a time charge the same six customers, each listing them in another order: the customers
     * are locked in one shared order, so no two wait for each other in a cycle. A deadlock would fail a racer here
     * (the listener would hide it by applying the poll again charge by charge). Every customer is charged exactly up
     * to the limit.
     */
    @Test
    void booksOverTheSameCustomersInOtherOrdersNeverDeadlock() {
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            customers.add(newCustomer(3_000));
        }

        List<Long> posted = Race.run(4, racer -> {
            List<String> order = new ArrayList<>(customers);
            Collections.rotate(order, racer * 2);
            if (racer % 2 == 1) {
                Collections.reverse(order);
            }
            long appended = 0;
            for (int round = 0; round < 15; round++) {
                int r = round;
                appended += tx.execute(status -> {
                    Ledger.Charges charges = ledger.charges();
                    for (String customer : order) {
                        charges.add(customer, customer + "-" + racer + "-" + r, 100, result -> Optional.empty());
                    }
                    return charges.write().stream()
                            .filter(PostingResult.Appended.class::isInstance)
                            .count();
                });
            }
            return appended;
        });

        assertThat(posted.stream().mapToLong(Long::longValue).sum()).isEqualTo(6 * 30);
        for (String customer : customers) {
            List<LedgerRow> rows = entries(customer);
            assertThat(rows).as("4 racers x 15 charges of 100 within 3,000").hasSize(30);
            assertThat(LedgerRow.assertChainUnbroken(rows)).isEqualTo(3_000);
        }
        assertInvariantsHold();
    }

    private ConsumerRecord<String, String> charge(String customer, String checkout, long amount) {
        return record(PostCharge.TYPE, customer, new PostCharge(checkout, customer, amount));
    }

    /** A record as the broker would deliver it, in a trace of its own. */
    private ConsumerRecord<String, String> record(String type, String customer, Object data) {
        CloudEvent event = CloudEvent.create(type, "/till/test", customer, mapper.valueToTree(data));
        ConsumerRecord<String, String> record =
                new ConsumerRecord<>(Topics.LEDGER_COMMANDS, 0, 0, customer, mapper.writeValueAsString(event));
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        traces.put(event.id(), traceId);
        record.headers()
                .add("traceparent", ("00-" + traceId + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /**
     * The messages written for the poll's customers and checkouts since the poll, in order, as "type key amount":
     * a fact's balance after, a posted charge's balance after, a rejection's reason, a reversal's amount.
     */
    private List<String> written(List<ConsumerRecord<String, String>> poll) {
        return rowsOf(poll).stream().map(OutboxRow::summary).toList();
    }

    private List<String> tracesWritten(List<ConsumerRecord<String, String>> poll) {
        return rowsOf(poll).stream()
                .map(row -> row.traceparent().substring(3, 35))
                .toList();
    }

    private List<String> tracesSent(List<ConsumerRecord<String, String>> poll, int... records) {
        List<String> sent = new ArrayList<>();
        for (int index : records) {
            CloudEvent event = mapper.readValue(poll.get(index).value(), CloudEvent.class);
            sent.add(traces.get(event.id()));
        }
        return sent;
    }

    private record OutboxRow(String summary, String traceparent) {}

    /** The outbox's last seq before the poll: what the test wrote to set it up is not the poll's. */
    private long before;

    private void markOutbox() {
        before = jdbc.sql("SELECT coalesce(max(seq), 0) FROM outbox")
                .query(Long.class)
                .single();
    }

    private List<OutboxRow> rowsOf(List<ConsumerRecord<String, String>> poll) {
        List<String> keys = new ArrayList<>();
        for (ConsumerRecord<String, String> record : poll) {
            keys.add(record.key());
            keys.add(mapper.readTree(record.value())
                    .get("data")
                    .get("checkoutId")
                    .asString());
        }
        return jdbc.sql("""
                        SELECT type || ' ' || aggregateid || ' ' || coalesce(
                                   payload -> 'data' ->> 'reason',
                                   payload -> 'data' ->> 'balanceAfterMinor',
                                   payload -> 'data' ->> 'amountMinor') AS summary,
                               headers ->> 'traceparent' AS traceparent
                        FROM outbox
                        WHERE aggregateid = ANY (?::text[]) AND seq > ?
                        ORDER BY seq
                        """)
                .param(keys.toArray(String[]::new))
                .param(before)
                .query((rs, n) -> new OutboxRow(rs.getString("summary"), rs.getString("traceparent")))
                .list();
    }
}
