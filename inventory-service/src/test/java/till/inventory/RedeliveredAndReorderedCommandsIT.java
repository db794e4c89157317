package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import till.contracts.inventory.AdjustStock;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.ReturnStock;
import till.contracts.inventory.StockCommitRefused;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockReleased;
import till.contracts.inventory.StockReserved;
import till.contracts.inventory.StockReturned;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;

/** Duplicates, reordering and late messages are expected traffic: the outcome is that of each message once, in order. */
class RedeliveredAndReorderedCommandsIT extends InventoryHarness {

    @Test
    void theSameCommandDeliveredTwiceIsAppliedOnce() {
        String productId = "dup-" + UUID.randomUUID();
        String checkoutId = "checkout-" + UUID.randomUUID();
        createProduct(productId, 100, 10);
        CloudEvent reserve = command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 3));

        try (TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES)) {
            send(reserve);
            send(reserve);
            // A new message for the same reservation (the saga retrying) is answered again, not reserved again.
            send(command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 3)));

            List<Seen> answers = awaitAnswers(replies, productId, checkoutId, 2);
            assertThat(answers).extracting(Seen::type).containsExactly(StockReserved.TYPE, StockReserved.TYPE);
            assertThat(answers)
                    .allSatisfy(
                            a -> assertThat(a.data().get("quantity").asInt()).isEqualTo(3));
        }
        assertThat(row(productId)).as("3 sold once (ADR 17)").isEqualTo(new Row(7, 0, 2));
        assertSound();
    }

    @Test
    void aReleaseBeforeItsReservationMakesTheLateReservationRefused() {
        String productId = "early-release-" + UUID.randomUUID();
        String checkoutId = "checkout-" + UUID.randomUUID();
        createProduct(productId, 100, 10);

        try (TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES)) {
            send(command(ReleaseStock.TYPE, productId, new ReleaseStock(checkoutId, productId)));
            send(command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 2)));

            List<Seen> answers = awaitAnswers(replies, productId, checkoutId, 2);
            assertThat(answers).extracting(Seen::type).containsExactly(StockReleased.TYPE, StockRejected.TYPE);
            assertThat(answers.get(0).data().get("quantity").asInt()).isZero();
            assertThat(answers.get(1).data().get("reason").asString()).isEqualTo("ALREADY_RELEASED");
        }
        assertThat(row(productId)).isEqualTo(new Row(10, 0, 1));
        assertSound();
    }

    /** A sale released by its rejected checkout gives its units back once (ADR 17); an older commit then is refused. */
    @Test
    void aCommitAfterAReleaseIsRefusedAndChangesNothing() {
        String productId = "late-commit-" + UUID.randomUUID();
        String checkoutId = "checkout-" + UUID.randomUUID();
        createProduct(productId, 100, 10);

        try (TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES)) {
            send(command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 4)));
            send(command(ReleaseStock.TYPE, productId, new ReleaseStock(checkoutId, productId)));
            send(command(ReleaseStock.TYPE, productId, new ReleaseStock(checkoutId, productId)));
            send(command(CommitStock.TYPE, productId, new CommitStock(checkoutId, productId)));

            List<Seen> answers = awaitAnswers(replies, productId, checkoutId, 4);
            assertThat(answers)
                    .extracting(Seen::type)
                    .containsExactly(
                            StockReserved.TYPE, StockReleased.TYPE, StockReleased.TYPE, StockCommitRefused.TYPE);
            assertThat(answers.get(1).data().get("quantity").asInt()).isEqualTo(4);
            assertThat(answers.get(2).data().get("quantity").asInt())
                    .as("the same answer again")
                    .isEqualTo(4);
            assertThat(answers.get(3).data().get("reason").asString()).isEqualTo("RELEASED");
        }
        // Created (1), sold (2), given back (3); the refused commit and the repeated release moved nothing.
        assertThat(row(productId)).isEqualTo(new Row(10, 0, 3));
        assertSound();
    }

    /** A sale is made once, an older checkout-service's commits change nothing, and a return puts it back once. */
    @Test
    void aSaleIsCommittedOnceAndAReturnPutsItBackOnce() {
        String productId = "sale-" + UUID.randomUUID();
        String checkoutId = "checkout-" + UUID.randomUUID();
        String refundId = "refund-" + UUID.randomUUID();
        createProduct(productId, 100, 10);

        try (TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES)) {
            send(command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 3)));
            CloudEvent commit = command(CommitStock.TYPE, productId, new CommitStock(checkoutId, productId));
            send(commit);
            send(commit);
            send(command(CommitStock.TYPE, productId, new CommitStock(checkoutId, productId)));
            send(command(ReturnStock.TYPE, productId, new ReturnStock(refundId, checkoutId, productId, 2)));
            send(command(ReturnStock.TYPE, productId, new ReturnStock(refundId, checkoutId, productId, 2)));
            send(command(AdjustStock.TYPE, productId, new AdjustStock("count-" + refundId, productId, 5, "count")));

            // A commit is answered only when refused (ADR 16): none of the three is.
            List<Seen> answers = awaitAnswers(replies, productId, checkoutId, 3);
            assertThat(answers)
                    .extracting(Seen::type)
                    .containsExactly(StockReserved.TYPE, StockReturned.TYPE, StockReturned.TYPE);
            assertThat(answers.get(2).data().get("quantity").asInt())
                    .as("the same answer again")
                    .isEqualTo(2);
        }
        // on hand: 10 - 3 sold + 2 returned + 5 counted; the adjustment is the last command, so wait for it.
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(row(productId).onHand()).isEqualTo(14));
        assertThat(row(productId).reserved()).isZero();
        assertSound();
    }

    @Test
    void anUnknownProductIsRejected() {
        String productId = "unknown-" + UUID.randomUUID();
        String checkoutId = "checkout-" + UUID.randomUUID();
        try (TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES)) {
            send(command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 1)));
            List<Seen> answers = awaitAnswers(replies, productId, checkoutId, 1);
            assertThat(answers.get(0).type()).isEqualTo(StockRejected.TYPE);
            assertThat(answers.get(0).data().get("reason").asString()).isEqualTo("UNKNOWN_PRODUCT");
        }
    }

    /**
     * Waits for {@code expected} answers to the checkout, then for a last command on the product's partition (a
     * release of another checkout, which changes no stock): once it is answered and nothing is left unsent, every
     * answer the earlier commands caused is on the topic, so reading to its end shows one answer too many.
     */
    private List<Seen> awaitAnswers(TopicTap replies, String productId, String checkoutId, int expected) {
        await().atMost(PATIENCE).until(() -> replies.events(Set.of(checkoutId)), a -> a.size() >= expected);
        String last = "last-" + UUID.randomUUID();
        send(command(ReleaseStock.TYPE, productId, new ReleaseStock(last, productId)));
        await().atMost(PATIENCE).until(() -> !replies.events(Set.of(last)).isEmpty() && unsentOutboxRows() == 0);
        List<Seen> answers = replies.eventsToEnd(Set.of(checkoutId));
        assertThat(answers).as("no more answers than commands that deserve one").hasSize(expected);
        return answers;
    }

    private void assertSound() {
        var report = invariants();
        assertThat(report.get("sound").asBoolean()).as(report.toString()).isTrue();
    }
}
