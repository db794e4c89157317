package till.inventory.reservation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockCommitRefused;
import till.contracts.inventory.StockCommitted;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockRejectionReason;
import till.contracts.inventory.StockReleased;
import till.contracts.inventory.StockReserved;
import till.inventory.product.Product;
import till.inventory.product.ProductLocks;
import till.inventory.product.Products;
import till.platform.kafka.Topics;
import till.platform.outbox.Outbox;

/**
 * Reserve, commit and release, each idempotent per (checkout, product): whatever order and however often the
 * saga's commands arrive, the outcome is that of each command once, in order. Every decision and its reply
 * commit together under the product's lock.
 */
@Component
public class ReservationLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReservationLifecycle.class);

    private final Products products;
    private final Reservations reservations;
    private final Outbox outbox;

    ReservationLifecycle(Products products, Reservations reservations, Outbox outbox) {
        this.products = products;
        this.reservations = reservations;
        this.outbox = outbox;
    }

    /**
     * Runs under the product's lock ({@link ProductLocks}); {@code locked} is the product as it is now. Returns
     * the product as this command leaves it.
     */
    public Optional<Product> reserve(ReserveStock command, Optional<Product> locked) {
        ReservationRun run = startRun(locked, List.of(command.checkoutId()));
        run.reserve(command);
        return run.finish();
    }

    /**
     * Starts a run of consecutive reservations of one locked product (a hot product's poll): their existing
     * reservations are read in one query, each decision is made in memory in order, and {@link
     * ReservationRun#finish} writes the stock, the new reservations and the run's replies and fact in one
     * statement each.
     */
    public ReservationRun startRun(Optional<Product> locked, Collection<String> checkoutIds) {
        return new ReservationRun(
                locked,
                locked.map(p -> reservations.findAll(p.productId(), checkoutIds))
                        .orElseGet(HashMap::new));
    }

    /**
     * Reservations of one locked product decided in memory; nothing is written until finished. A run lives
     * inside one transaction (or one savepoint) and is finished in it: its messages are never written apart from
     * the decisions that caused them.
     */
    public final class ReservationRun {

        private final Optional<Product> locked;
        private final Map<String, Reservation> known;
        private final List<Reservation> made = new ArrayList<>();
        private final List<Outbox.Message> messages = new ArrayList<>();
        private @Nullable Product current;

        private ReservationRun(Optional<Product> locked, Map<String, Reservation> known) {
            this.locked = locked;
            this.known = known;
            this.current = locked.orElse(null);
        }

        public void reserve(ReserveStock command) {
            String checkoutId = command.checkoutId();
            Product product = current;
            if (product == null) {
                messages.add(rejected(command, StockRejectionReason.UNKNOWN_PRODUCT));
                return;
            }
            Reservation existing = known.get(checkoutId);
            if (existing != null) {
                if (existing.state() == Reservation.State.RELEASED) {
                    // The checkout's release came first: a late reservation must not resurrect it.
                    messages.add(rejected(command, StockRejectionReason.ALREADY_RELEASED));
                } else {
                    // A second reserve for the same checkout is the same reservation: answer it again.
                    if (existing.quantity() != command.quantity()) {
                        log.warn(
                                "checkout {} asked again for {} of {} but holds a reservation of {}; answering that",
                                checkoutId,
                                command.quantity(),
                                product.productId(),
                                existing.quantity());
                    }
                    messages.add(reserved(existing));
                }
                return;
            }
            Long quoted = command.quotedUnitPriceMinor();
            if (quoted != null && quoted != product.priceMinor()) {
                // The checkout was charged at its quote (ADR 10): a reservation at another price would make the
                // charge differ from what the sale is worth, so nothing is held and the checkout is rejected.
                messages.add(rejected(command, StockRejectionReason.PRICE_CHANGED));
                return;
            }
            if (!product.stock().canReserve(command.quantity())) {
                messages.add(rejected(command, StockRejectionReason.OUT_OF_STOCK));
                return;
            }
            current = new Product(
                    product.productId(),
                    product.name(),
                    product.priceMinor(),
                    product.stock().reserve(command.quantity()),
                    product.version() + 1);
            Reservation reservation = new Reservation(
                    checkoutId,
                    product.productId(),
                    command.quantity(),
                    product.priceMinor(),
                    Reservation.State.RESERVED);
            known.put(checkoutId, reservation);
            made.add(reservation);
            messages.add(reserved(reservation));
        }

        /**
         * Writes the run's stock, reservations and replies, and one {@code StockLevelChanged} with the level the
         * run leaves (its version counts every reservation): the levels in between were never committed, so no
         * one could have seen them. Returns the product as the run leaves it.
         */
        public Optional<Product> finish() {
            Product start = locked.orElse(null);
            if (start == null || current == null || made.isEmpty()) {
                outbox.appendAll(messages);
                return locked;
            }
            Product after = products.writeStock(start, current.stock(), made.size());
            reservations.insertReserved(start.productId(), start.priceMinor(), made);
            messages.add(products.stockLevel(
                    after,
                    made.size() == 1
                            ? "reserved for " + made.getFirst().checkoutId()
                            : "reserved for " + made.size() + " checkouts"));
            outbox.appendAll(messages);
            return Optional.of(after);
        }
    }

    /**
     * Runs under the product's lock ({@link ProductLocks}); {@code locked} is the product as it is now. Returns
     * the product as this command leaves it.
     */
    public Optional<Product> commit(CommitStock command, Optional<Product> locked) {
        String checkoutId = command.checkoutId();
        Optional<Reservation> existing = locked.flatMap(p -> reservations.find(checkoutId, p.productId()));
        if (locked.isEmpty() || existing.isEmpty()) {
            refuseCommit(command, locked.isEmpty() ? "UNKNOWN_PRODUCT" : "NO_RESERVATION");
            return locked;
        }
        Product product = locked.get();
        Reservation reservation = existing.get();
        switch (reservation.state()) {
            case RESERVED -> {
                Product after = products.writeStock(product, product.stock().commit(reservation.quantity()), 1);
                reservations.moveTo(reservation, Reservation.State.COMMITTED);
                // The fact and the reply in one statement, as a run of reservations writes its own.
                outbox.appendAll(List.of(products.stockLevel(after, "sold to " + checkoutId), committed(reservation)));
                // One line per sold line, as the ledger logs each posting: a sale can be followed here by its id.
                log.info("sold {} x {} to checkout {}", reservation.quantity(), product.productId(), checkoutId);
                return Optional.of(after);
            }
            case COMMITTED -> replyCommitted(reservation);
            case RELEASED -> refuseCommit(command, "RELEASED");
        }
        return locked;
    }

    /**
     * Runs under the product's lock ({@link ProductLocks}); {@code locked} is the product as it is now. Returns
     * the product as this command leaves it.
     */
    public Optional<Product> release(ReleaseStock command, Optional<Product> locked) {
        String checkoutId = command.checkoutId();
        if (locked.isEmpty()) {
            // Nothing can have been reserved, and no marker can be left for a product that does not exist.
            replyReleased(checkoutId, command.productId(), 0);
            return locked;
        }
        Product product = locked.get();
        Optional<Reservation> existing = reservations.find(checkoutId, product.productId());
        if (existing.isEmpty()) {
            // The release overtook its reservation: leave a marker so the late reservation is refused.
            reservations.insert(new Reservation(
                    checkoutId, product.productId(), 0, product.priceMinor(), Reservation.State.RELEASED));
            replyReleased(checkoutId, product.productId(), 0);
            return locked;
        }
        Reservation reservation = existing.get();
        switch (reservation.state()) {
            case RESERVED -> {
                Product after = products.writeStock(product, product.stock().release(reservation.quantity()), 1);
                reservations.moveTo(reservation, Reservation.State.RELEASED);
                outbox.appendAll(List.of(
                        products.stockLevel(after, "released by " + checkoutId),
                        released(checkoutId, product.productId(), reservation.quantity())));
                return Optional.of(after);
            }
            case RELEASED -> replyReleased(checkoutId, product.productId(), reservation.quantity());
            case COMMITTED -> {
                // A sale is final here: only a return (with its refund id) brings units back. Nothing changes;
                // the reply says nothing was given back (quantity 0) so the saga is not left waiting.
                log.warn(
                        "release for checkout {} of product {} arrived after its commit; the sale stands",
                        checkoutId,
                        product.productId());
                replyReleased(checkoutId, product.productId(), 0);
            }
        }
        return locked;
    }

    private static Outbox.Message reserved(Reservation reservation) {
        return new Outbox.Message(
                Topics.CHECKOUT_REPLIES,
                reservation.checkoutId(),
                StockReserved.TYPE,
                new StockReserved(
                        reservation.checkoutId(),
                        reservation.productId(),
                        Math.toIntExact(reservation.quantity()),
                        reservation.unitPriceMinor()));
    }

    private static Outbox.Message rejected(ReserveStock command, StockRejectionReason reason) {
        log.info(
                "reservation of {} x {} for checkout {} rejected: {}",
                command.quantity(),
                command.productId(),
                command.checkoutId(),
                reason);
        return new Outbox.Message(
                Topics.CHECKOUT_REPLIES,
                command.checkoutId(),
                StockRejected.TYPE,
                new StockRejected(command.checkoutId(), command.productId(), reason));
    }

    private void replyCommitted(Reservation reservation) {
        outbox.appendAll(List.of(committed(reservation)));
    }

    private static Outbox.Message committed(Reservation reservation) {
        return new Outbox.Message(
                Topics.CHECKOUT_REPLIES,
                reservation.checkoutId(),
                StockCommitted.TYPE,
                new StockCommitted(
                        reservation.checkoutId(), reservation.productId(), Math.toIntExact(reservation.quantity())));
    }

    private void refuseCommit(CommitStock command, String reason) {
        log.warn(
                "commit for checkout {} of product {} refused ({}): nothing changed",
                command.checkoutId(),
                command.productId(),
                reason);
        outbox.append(
                Topics.CHECKOUT_REPLIES,
                command.checkoutId(),
                StockCommitRefused.TYPE,
                new StockCommitRefused(command.checkoutId(), command.productId(), reason));
    }

    private void replyReleased(String checkoutId, String productId, long quantity) {
        outbox.appendAll(List.of(released(checkoutId, productId, quantity)));
    }

    private static Outbox.Message released(String checkoutId, String productId, long quantity) {
        return new Outbox.Message(
                Topics.CHECKOUT_REPLIES,
                checkoutId,
                StockReleased.TYPE,
                new StockReleased(checkoutId, productId, Math.toIntExact(quantity)));
    }
}
