package till.inventory.product;

/** An adjustment id already applied with another product or delta: a client bug, never a retry. */
public class AdjustmentIdReusedException extends RuntimeException {

    public AdjustmentIdReusedException(String adjustmentId) {
        super("adjustment id '" + adjustmentId + "' was already used for a different product or delta");
    }
}
