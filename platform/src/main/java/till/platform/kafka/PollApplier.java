package till.platform.kafka;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import till.platform.cloudevents.CloudEvent;
import till.platform.inbox.Inbox;

/**
 * Applies a poll's records in one transaction: one inbox statement and one commit for the whole poll rather than
 * per record, which is most of what a record costs the database (ADR 5). Records are applied in poll order, so
 * per-key order holds, and each is applied at most once (the inbox).
 *
 * <p>Each record is first read and bound ({@code bind}); one that cannot be (not a CloudEvent, unknown type,
 * invalid data) is a failure pinned on its own record. If the poll's transaction fails, it is rolled back whole
 * and the records are applied again one transaction each, so the failure is pinned on the record that causes it
 * and the ones before it are kept. The earliest failure is reported with {@link BatchListenerFailedException}:
 * the error policy dead-letters that record (invalid) or retries from it (transient), and the records after it
 * come again, where the inbox skips whatever was already applied.
 */
@Component
public class PollApplier {

    private record Bound<T>(int index, ConsumerRecord<String, String> record, CloudEvent event, T command) {}

    private record Failure(int index, RuntimeException cause) {}

    private final InboundMessages inbound;
    private final Inbox inbox;
    private final TransactionTemplate tx;

    PollApplier(InboundMessages inbound, Inbox inbox, TransactionTemplate tx) {
        this.inbound = inbound;
        this.inbox = inbox;
        this.tx = tx;
    }

    /**
     * How a consumer applies the records one transaction holds: made for that transaction with the commands it will
     * apply (first deliveries only, in poll order), so that it can read what they need in one statement; then each
     * is applied in its record's span; then {@link #finish} writes what they changed, still in the transaction.
     */
    @FunctionalInterface
    public interface Batch<T> {

        /** Applies one command, inside the transaction, in its record's span. */
        void apply(CloudEvent event, T command);

        /** After the transaction's last command, before its commit. */
        default void finish() {}
    }

    /**
     * @param bind reads a record's command from its CloudEvent; throws {@code InvalidMessageException} when none can
     *     be read
     * @param apply applies one command, first delivery only, inside the transaction
     */
    public <T> void apply(
            List<ConsumerRecord<String, String>> records,
            Function<CloudEvent, T> bind,
            BiConsumer<CloudEvent, T> apply) {
        applyInBatches(records, bind, commands -> apply::accept);
    }

    /**
     * As {@link #apply}, with a {@link Batch} made for each transaction from the commands it will apply: one for the
     * whole poll, or one per record when the poll's transaction failed and its records are applied one by one.
     */
    public <T> void applyInBatches(
            List<ConsumerRecord<String, String>> records,
            Function<CloudEvent, T> bind,
            Function<List<T>, Batch<T>> batches) {
        List<Failure> failures = new ArrayList<>();
        List<Bound<T>> bound = new ArrayList<>(records.size());
        for (int index = 0; index < records.size(); index++) {
            ConsumerRecord<String, String> record = records.get(index);
            try {
                CloudEvent event = inbound.read(record);
                bound.add(new Bound<>(index, record, event, bind.apply(event)));
            } catch (RuntimeException invalid) {
                failures.add(new Failure(index, invalid));
            } finally {
                inbound.done();
            }
        }
        if (!bound.isEmpty()) {
            try {
                applyAll(bound, batches);
            } catch (RuntimeException pollFailed) {
                if (bound.size() == 1) {
                    failures.add(new Failure(bound.getFirst().index(), pollFailed));
                } else {
                    applyOneByOne(bound, batches, failures);
                }
            }
        }
        failures.stream().min(Comparator.comparingInt(Failure::index)).ifPresent(earliest -> {
            throw new BatchListenerFailedException(
                    String.valueOf(earliest.cause().getMessage()), earliest.cause(), earliest.index());
        });
    }

    private <T> void applyAll(List<Bound<T>> bound, Function<List<T>, Batch<T>> batches) {
        tx.executeWithoutResult(status -> {
            Set<String> firstSeen =
                    inbox.firstDeliveries(bound.stream().map(Bound::event).toList());
            List<Bound<T>> first = new ArrayList<>(bound.size());
            for (Bound<T> b : bound) {
                // remove: a message repeated within the poll is applied once, like any redelivery.
                if (firstSeen.remove(b.event().id())) {
                    first.add(b);
                }
            }
            applyInBatch(first, batches);
        });
    }

    /** After a failed poll: one transaction per record, stopping at the first failure to keep the order after it. */
    private <T> void applyOneByOne(List<Bound<T>> bound, Function<List<T>, Batch<T>> batches, List<Failure> failures) {
        for (Bound<T> b : bound) {
            try {
                tx.executeWithoutResult(status -> {
                    if (inbox.firstDelivery(b.event())) {
                        applyInBatch(List.of(b), batches);
                    }
                });
            } catch (RuntimeException e) {
                failures.add(new Failure(b.index(), e));
                return;
            }
        }
    }

    private <T> void applyInBatch(List<Bound<T>> first, Function<List<T>, Batch<T>> batches) {
        if (first.isEmpty()) {
            return;
        }
        Batch<T> batch = batches.apply(first.stream().map(Bound::command).toList());
        for (Bound<T> b : first) {
            // Each command in its own span, in its record's trace: its logs and the messages it causes too.
            try (InboundMessages.Applying applying = inbound.adopt(b.record(), b.event())) {
                batch.apply(b.event(), b.command());
            }
        }
        batch.finish();
    }
}
