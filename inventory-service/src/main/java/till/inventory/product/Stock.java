package till.inventory.product;

/**
 * A product's stock and the rules for moving it, free of any framework so they can be unit-tested: reserved never
 * exceeds on hand and neither goes below zero, whatever sequence of operations is applied.
 *
 * <p>Since ADR 17 a reservation sells its units at once, so {@code reserved} holds only units of reservations made by
 * an inventory from before it and not yet committed or released (a rolling upgrade's), and is otherwise 0.
 */
public record Stock(long onHand, long reserved) {

    public Stock {
        if (reserved < 0 || onHand < reserved) {
            throw new IllegalArgumentException(
                    "stock must satisfy onHand >= reserved >= 0, was onHand=" + onHand + " reserved=" + reserved);
        }
    }

    public long available() {
        return onHand - reserved;
    }

    public boolean canReserve(long quantity) {
        return quantity > 0 && quantity <= available();
    }

    /**
     * A reservation sells its units at once (ADR 17): they leave on hand, and come back only if the checkout is
     * rejected and releases them ({@link #receive}).
     */
    public Stock sell(long quantity) {
        if (!canReserve(quantity)) {
            throw new IllegalArgumentException("cannot sell " + quantity + " of " + available() + " available");
        }
        return new Stock(onHand - quantity, reserved);
    }

    /** A held reservation becomes a sale: the units leave the shelf and are no longer held. */
    public Stock commit(long quantity) {
        requireHeld(quantity);
        return new Stock(onHand - quantity, reserved - quantity);
    }

    public Stock release(long quantity) {
        requireHeld(quantity);
        return new Stock(onHand, reserved - quantity);
    }

    /** Units come back on hand: a refund's return, or a sale released by its rejected checkout (ADR 17). */
    public Stock receive(long quantity) {
        if (quantity <= 0) {
            throw new IllegalArgumentException("a return must be positive, was " + quantity);
        }
        return new Stock(Math.addExact(onHand, quantity), reserved);
    }

    /** Moves on hand by {@code delta}; it may not go below what is still held ({@code reserved}). */
    public Stock adjust(long delta) {
        long next = Math.addExact(onHand, delta);
        if (next < reserved) {
            throw new BelowReservedException(onHand, reserved, delta);
        }
        return new Stock(next, reserved);
    }

    private void requireHeld(long quantity) {
        if (quantity <= 0 || quantity > reserved) {
            throw new IllegalArgumentException("cannot take " + quantity + " out of " + reserved + " reserved");
        }
    }
}
