package till.contracts.inventory;

import till.contracts.Require;

/** Fact for other teams: a product's stock moved; keyed by product id. */
public record StockLevelChanged(
        String productId, Long onHand, Long reserved, Long available, Long version, String cause) {

    public static final String TYPE = "till.inventory.StockLevelChanged";

    public StockLevelChanged {
        Require.text(productId, "productId");
        Require.present(onHand, "onHand");
        Require.present(reserved, "reserved");
        Require.present(available, "available");
        Require.present(version, "version");
        Require.text(cause, "cause");
    }
}
