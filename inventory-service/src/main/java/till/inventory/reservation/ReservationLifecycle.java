package till.inventory.reservation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
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
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockRejectionReason;
import till.contracts.inventory.StockReleased;
import till.contracts.inventory.StockReserved;
import till.inventory.product.Product;
import till.inventory.product.ProductLocks;
import till.inventory.product.Products;
import till.inventory.product.Stock;
import till.platform.kafka.Topics;
import till.platform.kafka.Tracing;
import till.platform.outbox.Outbox;

/**
 * Reserve, commit and release, each idempotent per (checkout, product): whatever order and however often the
 * saga's commands arrive, the outcome is that of each command once, in order. Every decision and its reply
 * commit together under the product's lock.
 *
 * <p>A reservation sells its units at once (ADR 17): its reservation is COMMITTED when it is made, and a rejected
 * checkout's release gives the units back. A {@code CommitStock} is sent only by a checkout-service from before
 * ADR 17; it sells a reservation an inventory from before ADR 17 left held, and is answered only when it is refused
 * (ADR 16).
 *
 * <p>The decisions are made in memory, in a {@link Book} over the locked products, and written a statement per
 * table: a poll's reserves, commits and releases over many products cost the same handful of statements as one
 * command does (ADR 5, round 12).
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
        return alone(command, command.productId(), locked);
    }

    /** As {@link #reserve}, for a commit. */
    public Optional<Product> commit(CommitStock command, Optional<Product> locked) {
        return alone(command, command.productId(), locked);
    }

    /** As {@link #reserve}, for a release. */
    public Optional<Product> release(ReleaseStock command, Optional<Product> locked) {
        return alone(command, command.productId(), locked);
    }

    private Optional<Product> alone(Object command, String productId, Optional<Product> locked) {
        Book book = open(locked.map(p -> Map.of(productId, p)).orElseGet(Map::of), List.of(command));
        book.apply(command);
        book.write();
        return book.product(productId);
    }

    /**
     * Opens a book over products locked in the caller's transaction ({@link ProductLocks}; a product that does not
     * exist is absent), reading in one query the reservations that {@code commands} (reserves, commits and
     * releases; anything else is ignored here) may touch.
     */
    public Book open(Map<String, Product> locked, Collection<?> commands) {
        List<ReservationKey> keys = commands.stream()
                .map(ReservationLifecycle::keyOf)
                .filter(key -> key != null && locked.containsKey(key.productId()))
                .distinct()
                .toList();
        return new Book(locked, reservations.findAll(keys));
    }

    private static @Nullable ReservationKey keyOf(Object command) {
        return switch (command) {
            case ReserveStock c -> new ReservationKey(c.checkoutId(), c.productId());
            case CommitStock c -> new ReservationKey(c.checkoutId(), c.productId());
            case ReleaseStock c -> new ReservationKey(c.checkoutId(), c.productId());
            default -> null;
        };
    }

    /**
     * Reserves, commits and releases over locked products, decided in memory in the order they are applied;
     * nothing is written until {@link #write}. A book lives inside one transaction and is written in it: its
     * messages are never written apart from the decisions that caused them.
     *
     * <p>{@link #write} costs at most one statement each for the stock of every product changed, the new
     * reservations, the reservations that moved, and the replies and facts. Each product changed gets one {@code
     * StockLevelChanged} per write, with the level the write leaves (its version counts every change): the levels in
     * between were never committed, so no one could have seen them.
     */
    public final class Book {

        private final Map<String, Shelf> shelves = new LinkedHashMap<>();
        private final Map<ReservationKey, Reservation> known;
        private final Map<ReservationKey, Reservation> made = new LinkedHashMap<>();
        private final Map<ReservationKey, Reservation> moved = new LinkedHashMap<>();
        private final List<Outbox.Message> replies = new ArrayList<>();

        private Book(Map<String, Product> locked, Map<ReservationKey, Reservation> known) {
            locked.forEach((id, product) -> shelves.put(id, new Shelf(product)));
            this.known = known;
        }

        /** Decides a reserve, commit or release; false (and nothing done) for any other command. */
        public boolean apply(Object command) {
            switch (command) {
                case ReserveStock c -> reserve(c);
                case CommitStock c -> commit(c);
                case ReleaseStock c -> release(c);
                default -> {
                    return false;
                }
            }
            return true;
        }

        /** The product as the decisions so far leave it; empty when it does not exist. */
        public Optional<Product> product(String productId) {
            Shelf shelf = shelves.get(productId);
            return shelf == null ? Optional.empty() : Optional.of(shelf.product);
        }

        /**
         * Takes the product as a write outside the book left it (a return, an adjustment), after {@link #write}:
         * the book's next decisions start from it.
         */
        public void replace(Product written) {
            Shelf shelf = shelves.get(written.productId());
            if (shelf == null || shelf.changes > 0) {
                throw new IllegalStateException("replace only a product the book holds, after writing it");
            }
            shelf.product = written;
        }

        private void reserve(ReserveStock command) {
            String checkoutId = command.checkoutId();
            Shelf shelf = shelves.get(command.productId());
            if (shelf == null) {
                replies.add(rejected(command, StockRejectionReason.UNKNOWN_PRODUCT));
                return;
            }
            Product product = shelf.product;
            Reservation existing = known.get(new ReservationKey(checkoutId, product.productId()));
            if (existing != null) {
                if (existing.state() == Reservation.State.RELEASED) {
                    // The checkout's release came first: a late reservation must not resurrect it.
                    replies.add(rejected(command, StockRejectionReason.ALREADY_RELEASED));
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
                    replies.add(reserved(existing));
                }
                return;
            }
            Long quoted = command.quotedUnitPriceMinor();
            if (quoted != null && quoted != product.priceMinor()) {
                // The checkout was charged at its quote (ADR 10): a reservation at another price would make the
                // charge differ from what the sale is worth, so nothing is held and the checkout is rejected.
                replies.add(rejected(command, StockRejectionReason.PRICE_CHANGED));
                return;
            }
            if (!product.stock().canReserve(command.quantity())) {
                replies.add(rejected(command, StockRejectionReason.OUT_OF_STOCK));
                return;
            }
            // Sold at once (ADR 17): a CONFIRMED checkout sends no commit, and a rejected one releases.
            Reservation reservation = new Reservation(
                    checkoutId,
                    product.productId(),
                    command.quantity(),
                    product.priceMinor(),
                    Reservation.State.COMMITTED);
            shelf.change(product.stock().sell(command.quantity()), Change.SOLD, checkoutId);
            record(reservation, true);
            sold(reservation);
            replies.add(reserved(reservation));
        }

        /** One line per sold line, as the ledger logs each posting: a sale can be followed here by its id. */
        private static void sold(Reservation reservation) {
            log.info(
                    "sold {} x {} to checkout {}",
                    reservation.quantity(),
                    reservation.productId(),
                    reservation.checkoutId());
        }

        /**
         * Sells a reservation an inventory from before ADR 17 left held; a reservation made since is sold already,
         * and its commit changes nothing. A commit is answered only when it is refused (ADR 16): the checkout is
         * already CONFIRMED and waits for nothing, and a held reservation cannot fail to commit.
         */
        private void commit(CommitStock command) {
            String checkoutId = command.checkoutId();
            Shelf shelf = shelves.get(command.productId());
            Reservation reservation =
                    shelf == null ? null : known.get(new ReservationKey(checkoutId, command.productId()));
            if (shelf == null || reservation == null) {
                refuseCommit(command, shelf == null ? "UNKNOWN_PRODUCT" : "NO_RESERVATION");
                return;
            }
            switch (reservation.state()) {
                case RESERVED -> {
                    shelf.change(shelf.product.stock().commit(reservation.quantity()), Change.SOLD, checkoutId);
                    record(reservation.in(Reservation.State.COMMITTED), false);
                    sold(reservation);
                }
                case COMMITTED -> {
                    // Sold when it was reserved (ADR 17), or committed before under another message id: the sale
                    // stands, and a commit is not answered.
                }
                case RELEASED -> refuseCommit(command, "RELEASED");
            }
        }

        private void release(ReleaseStock command) {
            String checkoutId = command.checkoutId();
            Shelf shelf = shelves.get(command.productId());
            if (shelf == null) {
                // Nothing can have been reserved, and no marker can be left for a product that does not exist.
                replies.add(released(checkoutId, command.productId(), 0));
                return;
            }
            Product product = shelf.product;
            Reservation reservation = known.get(new ReservationKey(checkoutId, product.productId()));
            if (reservation == null) {
                // The release overtook its reservation: leave a marker so the late reservation is refused.
                record(
                        new Reservation(
                                checkoutId, product.productId(), 0, product.priceMinor(), Reservation.State.RELEASED),
                        true);
                replies.add(released(checkoutId, product.productId(), 0));
                return;
            }
            switch (reservation.state()) {
                case RESERVED -> {
                    shelf.change(product.stock().release(reservation.quantity()), Change.RELEASED, checkoutId);
                    record(reservation.in(Reservation.State.RELEASED), false);
                    replies.add(released(checkoutId, product.productId(), reservation.quantity()));
                }
                case RELEASED -> replies.add(released(checkoutId, product.productId(), reservation.quantity()));
                case COMMITTED -> {
                    // Sold at the reservation (ADR 17), and the checkout was rejected: its units come back on hand.
                    // A CONFIRMED checkout never releases, so no release can undo a sale the saga decided.
                    shelf.change(product.stock().receive(reservation.quantity()), Change.RELEASED, checkoutId);
                    record(reservation.in(Reservation.State.RELEASED), false);
                    replies.add(released(checkoutId, product.productId(), reservation.quantity()));
                }
            }
        }

        private void refuseCommit(CommitStock command, String reason) {
            log.warn(
                    "commit for checkout {} of product {} refused ({}): nothing changed",
                    command.checkoutId(),
                    command.productId(),
                    reason);
            replies.add(refusedCommit(command, reason));
        }

        /** A reservation as it now stands: a new row, or a move of one already written. */
        private void record(Reservation reservation, boolean isNew) {
            ReservationKey key = reservation.key();
            known.put(key, reservation);
            if (isNew || made.containsKey(key)) {
                made.put(key, reservation);
            } else {
                moved.put(key, reservation);
            }
        }

        /**
         * Writes what was decided since the last write: each changed product's stock, the new reservations, the
         * moved ones, then the replies in the order decided and each changed product's fact, in one outbox
         * statement. The book can go on deciding after it.
         */
        public void write() {
            List<Product> changed = new ArrayList<>();
            List<Outbox.Message> messages = new ArrayList<>(replies);
            shelves.values().stream().filter(shelf -> shelf.changes > 0).forEach(shelf -> {
                changed.add(shelf.product);
                messages.add(products.stockLevel(shelf.product, shelf.cause(), shelf.traceparent));
                shelf.written();
            });
            products.writeStocks(changed);
            reservations.insertAll(made.values());
            reservations.moveAll(moved.values());
            outbox.appendAll(messages);
            made.clear();
            moved.clear();
            replies.clear();
        }
    }

    /** What a decision did to a product's stock, as its fact's cause names it. */
    private enum Change {
        SOLD("sold to "),
        RELEASED("released by ");

        final String verb;

        Change(String verb) {
            this.verb = verb;
        }
    }

    /** One locked product in a book: where its decisions have taken it since the last write, and why. */
    private static final class Shelf {

        Product product;
        int changes;
        /** Per kind of change since the last write: how many, and the last checkout that made one. */
        final Map<Change, Integer> counts = new EnumMap<>(Change.class);

        final Map<Change, String> lastCheckout = new EnumMap<>(Change.class);
        /** The trace of the last change: the fact is made in it, as a run of reservations always was. */
        @Nullable
        String traceparent;

        Shelf(Product product) {
            this.product = product;
        }

        void change(Stock stock, Change kind, String checkoutId) {
            product = new Product(
                    product.productId(), product.name(), product.priceMinor(), stock, product.version() + 1);
            changes++;
            counts.merge(kind, 1, Integer::sum);
            lastCheckout.put(kind, checkoutId);
            traceparent = Tracing.traceparentOfCurrent();
        }

        /** "sold to c-1"; "sold to 3 checkouts, released by c-9": each kind of change, in that order. */
        String cause() {
            List<String> parts = new ArrayList<>();
            counts.forEach((kind, count) ->
                    parts.add(kind.verb + (count == 1 ? lastCheckout.get(kind) : count + " checkouts")));
            return String.join(", ", parts);
        }

        void written() {
            changes = 0;
            counts.clear();
            lastCheckout.clear();
            traceparent = null;
        }
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

    private static Outbox.Message refusedCommit(CommitStock command, String reason) {
        return new Outbox.Message(
                Topics.CHECKOUT_REPLIES,
                command.checkoutId(),
                StockCommitRefused.TYPE,
                new StockCommitRefused(command.checkoutId(), command.productId(), reason));
    }

    private static Outbox.Message released(String checkoutId, String productId, long quantity) {
        return new Outbox.Message(
                Topics.CHECKOUT_REPLIES,
                checkoutId,
                StockReleased.TYPE,
                new StockReleased(checkoutId, productId, Math.toIntExact(quantity)));
    }
}
