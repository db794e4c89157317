package till.platform.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;
import till.platform.PlatformHarness;
import till.platform.cloudevents.CloudEvent;
import tools.jackson.databind.json.JsonMapper;

/** A batch of messages is checked against the inbox in one statement, with the answer of one at a time. */
class InboxFirstDeliveriesIT extends PlatformHarness {

    @Autowired
    Inbox inbox;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JsonMapper mapper;

    @Test
    void onlyMessagesNeverSeenBeforeAreFirstDeliveriesAndARepeatInTheBatchIsReportedOnce() {
        CloudEvent a = message();
        CloudEvent b = message();
        CloudEvent c = message();
        CloudEvent d = message();

        assertThat(firstDeliveries(List.of(a, b, a))).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(firstDeliveries(List.of(b, c, a))).containsExactly(c.id());
        assertThat(firstDelivery(a)).isFalse();
        assertThat(firstDelivery(d)).isTrue();
        assertThat(firstDeliveries(List.of())).isEmpty();
    }

    @Test
    void aRolledBackBatchLeavesItsMessagesUnseen() {
        CloudEvent a = message();
        tx.executeWithoutResult(s -> {
            assertThat(inbox.firstDeliveries(List.of(a))).containsExactly(a.id());
            s.setRollbackOnly();
        });
        assertThat(firstDeliveries(List.of(a))).containsExactly(a.id());
    }

    @Test
    void outsideATransactionTheInboxRefuses() {
        assertThatThrownBy(() -> inbox.firstDeliveries(List.of(message())))
                .isInstanceOf(IllegalTransactionStateException.class);
    }

    private Set<String> firstDeliveries(List<CloudEvent> messages) {
        Set<String> firstSeen = tx.execute(s -> inbox.firstDeliveries(messages));
        return Objects.requireNonNull(firstSeen);
    }

    private boolean firstDelivery(CloudEvent message) {
        return Boolean.TRUE.equals(tx.execute(s -> inbox.firstDelivery(message)));
    }

    private CloudEvent message() {
        return CloudEvent.create("till.test.Ping", "/till/test", "key", mapper.valueToTree(Map.of("n", 1)));
    }
}
