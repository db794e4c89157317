package till.checkout.saga;

/** What a cashier sees. PENDING until the saga ends; CONFIRMED and REJECTED are final. */
public enum CheckoutStatus {
    PENDING,
    CONFIRMED,
    REJECTED
}
