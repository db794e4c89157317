package till.inventory.product;

/** An adjustment or edit that would take on hand below what is reserved (or below zero). */
public class BelowReservedException extends RuntimeException {

    public BelowReservedException(long onHand, long reserved, long delta) {
        super("would take on hand below reserved: onHand " + onHand + " + delta " + delta + " = " + (onHand + delta)
                + " < reserved " + reserved);
    }
}
