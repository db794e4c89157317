package till.inventory.reservation;

/** One checkout's hold on one product. A RELEASED row with quantity 0 is a marker left by an early release. */
record Reservation(String checkoutId, String productId, long quantity, long unitPriceMinor, State state) {

    enum State {
        RESERVED,
        COMMITTED,
        RELEASED
    }

    ReservationKey key() {
        return new ReservationKey(checkoutId, productId);
    }

    /** The same reservation moved to {@code next}. */
    Reservation in(State next) {
        return new Reservation(checkoutId, productId, quantity, unitPriceMinor, next);
    }
}
