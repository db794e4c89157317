package till.inventory.product;

/** A row of {@code products} as it was read under its lock. */
public record Product(String productId, String name, long priceMinor, Stock stock, long version) {

    public String etag() {
        return "\"" + version + "\"";
    }
}
