package till.inventory.reservation;

/** One checkout's hold on one product. A RELEASED row with quantity 0 is a marker left by an early release. */
record Reservation(String checkoutId, String productId, long quantity, long unitPriceMinor, State state) {

    enum State {
        RESERVED,
        COMMITTED,
        RELEASED
    }
}
