package till.inventory.reservation;

/** A reservation's identity: one per (checkout, product). */
record ReservationKey(String checkoutId, String productId) {}
