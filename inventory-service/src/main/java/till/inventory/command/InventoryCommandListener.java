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
 * many products it touches, and its reserves, commits and releases are decided in memory and written a statement
 * per table, so it pays the same handful of statements however many commands it holds. If that transaction fails
 * (a product locked by another writer, a command that fails), it is rolled back whole and each product's group is
 * applied in a transaction of its own under its own lock,
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
                applyTogether(byProduct.values().stream().flatMap(List::stream).toList(), locked);
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
        return locks.writeGroup(productId, (locked, transaction) -> {
            if (isolate) {
                return applyEach(group, locked, transaction);
            }
            applyTogether(
                    group, locked.map(product -> Map.of(productId, product)).orElseGet(Map::of));
            return List.of();
        });
    }

    /**
     * Commands over locked products, in the transaction that holds their rows, throwing the first failure: one
     * inbox statement for them all, their reserves, commits and releases decided in a {@link
     * ReservationLifecycle.Book} and written a statement per table (ADR 5, round 12). A return or an adjustment
     * (rare) is applied on its own, after the book has written what came before it, so each product's commands
     * still take effect in their order.
     */
    private void applyTogether(List<Command> commands, Map<String, Product> locked) {
        Set<String> firstSeen =
                inbox.firstDeliveries(commands.stream().map(Command::message).toList());
        ReservationLifecycle.Book book =
                reservations.open(locked, commands.stream().map(Command::data).toList());
        for (Command command : commands) {
            // Its own span and log context: its logs and replies carry its trace and its checkout.
            try (InboundMessages.Applying applying = inbound.adopt(command.record(), command.message())) {
                // remove: a message repeated within the poll is applied once, like any redelivery.
                boolean redelivered = !firstSeen.remove(command.message().id());
                if (redelivered || book.apply(command.data())) {
                    continue;
                }
                // A return or an adjustment: it reads and writes the tables itself, after what came before it.
                book.write();
                dispatch(command.data(), book.product(command.message().subject()))
                        .ifPresent(book::replace);
            }
        }
        book.write();
    }

    /**
     * One product's commands, each under a savepoint of its own; returns the ones that failed. What follows a
     * transient failure is left for the retry, to keep the product's order.
     */
    private List<Failure> applyEach(List<Command> group, Optional<Product> locked, TransactionStatus transaction) {
        List<Failure> failed = new ArrayList<>();
        Optional<Product> current = locked;
        for (Command command : group) {
            try (InboundMessages.Applying applying = inbound.adopt(command.record(), command.message())) {
                Object savepoint = transaction.createSavepoint();
                try {
                    if (inbox.firstDelivery(command.message())) {
                        current = dispatch(command.data(), current);
                    }
                    transaction.releaseSavepoint(savepoint);
                } catch (RuntimeException e) {
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
}
