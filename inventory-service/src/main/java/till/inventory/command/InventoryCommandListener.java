package till.inventory.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionStatus;
import till.contracts.InvalidMessageException;
import till.contracts.inventory.AdjustStock;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.ReturnStock;
import till.inventory.product.Adjustments;
import till.inventory.product.LockUnavailableException;
import till.inventory.product.Product;
import till.inventory.product.ProductLocks;
import till.inventory.refund.Returns;
import till.inventory.reservation.ReservationLifecycle;
import till.platform.cloudevents.CloudEvent;
import till.platform.inbox.Inbox;
import till.platform.kafka.InboundMessages;
import till.platform.kafka.Topics;

/**
 * Reads {@code inventory.commands} a poll at a time. Each record is validated (envelope, type, data, keyed by its
 * product); the valid ones are grouped by product in arrival order. The whole poll is first applied in one
 * transaction, every product locked {@code FOR UPDATE NOWAIT} in one statement, so a poll pays one commit however
 * many products it touches. If that transaction fails (a product locked by another writer, a command that fails),
 * it is rolled back whole and each product's group is applied in a transaction of its own under its own lock,
 * waiting with backoff for a locked one; a hot product still pays one lock and one commit per poll. Each message
 * keeps its own idempotency (the inbox). When one fails there, its group is applied again with a savepoint per
 * message, so an invalid one changes nothing while the rest of its group applies.
 *
 * <p>Failures are reported with {@link BatchListenerFailedException} at the earliest failing record: the error
 * policy dead-letters it (invalid) or retries from it (transient), and the records after it come again, where
 * the inbox skips whatever was already applied. Nothing is skipped silently and per-product order holds.
 */
@Component
class InventoryCommandListener {

    private static final Logger log = LoggerFactory.getLogger(InventoryCommandListener.class);

    /** A valid command, with its place in the poll. */
    private record Command(int index, ConsumerRecord<String, String> record, CloudEvent message, Object data) {}

    private record Failure(int index, RuntimeException cause) {}

    private final InboundMessages inbound;
    private final Inbox inbox;
    private final ProductLocks locks;
    private final ReservationLifecycle reservations;
    private final Returns returns;
    private final Adjustments adjustments;

    InventoryCommandListener(
            InboundMessages inbound,
            Inbox inbox,
            ProductLocks locks,
            ReservationLifecycle reservations,
            Returns returns,
            Adjustments adjustments) {
        this.inbound = inbound;
        this.inbox = inbox;
        this.locks = locks;
        this.reservations = reservations;
        this.returns = returns;
        this.adjustments = adjustments;
    }

    @KafkaListener(id = "inventory-commands", topics = Topics.INVENTORY_COMMANDS, batch = "true")
    void on(List<ConsumerRecord<String, String>> records) {
        List<Failure> failures = new ArrayList<>();
        Map<String, List<Command>> byProduct = new LinkedHashMap<>();
        for (int index = 0; index < records.size(); index++) {
            try {
                Command command = read(index, records.get(index));
                byProduct
                        .computeIfAbsent(command.message().subject(), product -> new ArrayList<>())
                        .add(command);
            } catch (RuntimeException invalid) {
                failures.add(new Failure(index, invalid));
            } finally {
                inbound.done();
            }
        }
        boolean appliedAtOnce = byProduct.size() > 1 && applyPoll(byProduct);
        if (!appliedAtOnce) {
            failures.addAll(applyByProduct(byProduct));
        }
        failures.stream().min(Comparator.comparingInt(Failure::index)).ifPresent(earliest -> {
            throw new BatchListenerFailedException(
                    String.valueOf(earliest.cause().getMessage()), earliest.cause(), earliest.index());
        });
    }

    private Command read(int index, ConsumerRecord<String, String> record) {
        CloudEvent message = inbound.read(record);
        Object data = switch (message.type()) {
            case ReserveStock.TYPE -> data(message, ReserveStock.class, ReserveStock::productId);
            case CommitStock.TYPE -> data(message, CommitStock.class, CommitStock::productId);
            case ReleaseStock.TYPE -> data(message, ReleaseStock.class, ReleaseStock::productId);
            case ReturnStock.TYPE -> data(message, ReturnStock.class, ReturnStock::productId);
            case AdjustStock.TYPE -> data(message, AdjustStock.class, AdjustStock::productId);
            default ->
                throw new InvalidMessageException(
                        "unknown type '" + message.type() + "' on " + Topics.INVENTORY_COMMANDS);
        };
        return new Command(index, record, message, data);
    }

    private <T> T data(CloudEvent message, Class<T> type, Function<T, String> productId) {
        return inbound.dataOfSubject(message, type, productId, "productId");
    }

    /**
     * One product's commands, in arrival order, in one transaction; returns the ones that failed. The common case
     * (all valid) runs without savepoints. When one fails, the group runs again with a savepoint per message, so
     * the failure is pinned on its own message and the rest of the group still applies.
     */
    private List<Failure> apply(String productId, List<Command> group) {
        if (group.size() > 1) {
            try {
                return apply(productId, group, false);
            } catch (LockUnavailableException locked) {
                throw locked;
            } catch (RuntimeException failed) {
                // Rolled back as a whole: isolate each message this time.
            }
        }
        return apply(productId, group, group.size() > 1);
    }

    /**
     * Every product's commands of the poll in one transaction ({@link ProductLocks#writeAll}): true when it
     * committed. False when it rolled back, which changed nothing: the caller then applies the poll one product at
     * a time, where a locked product is waited for and a failing message is pinned on itself.
     */
    private boolean applyPoll(Map<String, List<Command>> byProduct) {
        try {
            locks.writeAll(byProduct.keySet(), (locked, transaction) -> {
                byProduct.forEach((productId, group) ->
                        apply(group, Optional.ofNullable(locked.get(productId)), transaction, false));
                return null;
            });
            return true;
        } catch (RuntimeException failed) {
            log.debug("a poll over {} products applied product by product: {}", byProduct.size(), failed.toString());
            return false;
        }
    }

    /** Each product's commands in a transaction of their own; returns the ones that failed. */
    private List<Failure> applyByProduct(Map<String, List<Command>> byProduct) {
        List<Failure> failures = new ArrayList<>();
        for (Map.Entry<String, List<Command>> group : byProduct.entrySet()) {
            try {
                failures.addAll(apply(group.getKey(), group.getValue()));
            } catch (InvalidMessageException invalid) {
                failures.add(new Failure(group.getValue().getFirst().index(), invalid));
            } catch (RuntimeException transientFailure) {
                // The product stayed locked or the database is away: later groups start after this one in the
                // poll, so they come again with the retry.
                failures.add(new Failure(group.getValue().getFirst().index(), transientFailure));
                break;
            }
        }
        return failures;
    }

    private List<Failure> apply(String productId, List<Command> group, boolean isolate) {
        return locks.writeGroup(productId, (locked, transaction) -> apply(group, locked, transaction, isolate));
    }

    /**
     * One product's commands in the transaction that holds its row locked; returns the ones that failed (isolated
     * with savepoints), or throws the first failure when not isolating.
     */
    private List<Failure> apply(
            List<Command> group, Optional<Product> locked, TransactionStatus transaction, boolean isolate) {
        List<Failure> failed = new ArrayList<>();
        Optional<Product> current = locked;
        for (int next = 0; next < group.size(); next++) {
            if (!isolate && group.get(next).data() instanceof ReserveStock) {
                int end = endOfReservations(group, next);
                current = reserveAll(group.subList(next, end), current);
                next = end - 1;
                continue;
            }
            Command command = group.get(next);
            // Its own span and log context: its logs and replies carry its trace and its checkout.
            try (InboundMessages.Applying applying = inbound.adopt(command.record(), command.message())) {
                Object savepoint = isolate ? transaction.createSavepoint() : null;
                try {
                    if (inbox.firstDelivery(command.message())) {
                        current = dispatch(command.data(), current);
                    }
                    release(transaction, savepoint);
                } catch (RuntimeException e) {
                    if (savepoint == null) {
                        throw e;
                    }
                    transaction.rollbackToSavepoint(savepoint);
                    failed.add(new Failure(command.index(), e));
                    if (!(e instanceof InvalidMessageException)) {
                        // It will be retried: what follows it for this product must wait, to keep their order.
                        break;
                    }
                }
            }
        }
        return failed;
    }

    private static int endOfReservations(List<Command> group, int start) {
        int end = start;
        while (end < group.size() && group.get(end).data() instanceof ReserveStock) {
            end++;
        }
        return end;
    }

    /**
     * Consecutive reservations of one product: one inbox statement for the run, each decided in memory in order,
     * then one update, one insert of the new reservations and one outbox insert of the replies and the run's fact.
     */
    private Optional<Product> reserveAll(List<Command> run, Optional<Product> current) {
        ReservationLifecycle.ReservationRun reservationRun = reservations.startRun(
                current,
                run.stream().map(c -> ((ReserveStock) c.data()).checkoutId()).toList());
        Set<String> firstSeen =
                inbox.firstDeliveries(run.stream().map(Command::message).toList());
        for (int i = 0; i < run.size(); i++) {
            Command command = run.get(i);
            // Each reservation's reply is made in its own record's span, so it carries that record's trace.
            try (InboundMessages.Applying applying = inbound.adopt(command.record(), command.message())) {
                // remove: a message repeated within the run is applied once, like any redelivery.
                if (firstSeen.remove(command.message().id())) {
                    reservationRun.reserve((ReserveStock) command.data());
                }
                if (i == run.size() - 1) {
                    // The run's one stock-level fact is made in the trace of its last reservation.
                    return reservationRun.finish();
                }
            }
        }
        throw new IllegalStateException("a run of reservations is never empty");
    }

    /** Applies one command to the product as it is now; returns the product as the command leaves it. */
    private Optional<Product> dispatch(Object data, Optional<Product> product) {
        return switch (data) {
            case ReserveStock command -> reservations.reserve(command, product);
            case CommitStock command -> reservations.commit(command, product);
            case ReleaseStock command -> reservations.release(command, product);
            case ReturnStock command -> returns.accept(command, product);
            case AdjustStock command -> adjustments.apply(command, product);
            default -> throw new IllegalStateException("no handler for " + data.getClass());
        };
    }

    private static void release(TransactionStatus transaction, @Nullable Object savepoint) {
        if (savepoint != null) {
            transaction.releaseSavepoint(savepoint);
        }
    }
}
