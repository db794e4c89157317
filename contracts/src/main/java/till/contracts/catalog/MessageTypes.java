package till.contracts.catalog;

import static java.util.Map.entry;

import java.util.Map;
import java.util.TreeMap;
import till.contracts.checkout.CheckoutConfirmed;
import till.contracts.checkout.CheckoutRefunded;
import till.contracts.checkout.CheckoutRejected;
import till.contracts.inventory.AdjustStock;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ProductPriceChanged;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.ReturnStock;
import till.contracts.inventory.StockCommitRefused;
import till.contracts.inventory.StockCommitted;
import till.contracts.inventory.StockLevelChanged;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockReleased;
import till.contracts.inventory.StockReserved;
import till.contracts.inventory.StockReturned;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.ChargeRejected;
import till.contracts.ledger.ChargeReversed;
import till.contracts.ledger.EntryPosted;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.PostRefund;
import till.contracts.ledger.RecordPayment;
import till.contracts.ledger.RefundPosted;
import till.contracts.ledger.ReverseCharge;

/**
 * Every message type on Till's topics, by its CloudEvent {@code type}: what a contract test iterates over, and what
 * the published JSON Schemas ({@code schemas/<type>.schema.json} in this jar) are made from.
 */
public final class MessageTypes {

    /** Sorted by type. */
    public static final Map<String, Class<? extends Record>> ALL = new TreeMap<>(Map.ofEntries(
            entry(CheckoutConfirmed.TYPE, CheckoutConfirmed.class),
            entry(CheckoutRefunded.TYPE, CheckoutRefunded.class),
            entry(CheckoutRejected.TYPE, CheckoutRejected.class),
            entry(AdjustStock.TYPE, AdjustStock.class),
            entry(CommitStock.TYPE, CommitStock.class),
            entry(ProductPriceChanged.TYPE, ProductPriceChanged.class),
            entry(ReleaseStock.TYPE, ReleaseStock.class),
            entry(ReserveStock.TYPE, ReserveStock.class),
            entry(ReturnStock.TYPE, ReturnStock.class),
            entry(StockCommitRefused.TYPE, StockCommitRefused.class),
            entry(StockCommitted.TYPE, StockCommitted.class),
            entry(StockLevelChanged.TYPE, StockLevelChanged.class),
            entry(StockRejected.TYPE, StockRejected.class),
            entry(StockReleased.TYPE, StockReleased.class),
            entry(StockReserved.TYPE, StockReserved.class),
            entry(StockReturned.TYPE, StockReturned.class),
            entry(ChargePosted.TYPE, ChargePosted.class),
            entry(ChargeRejected.TYPE, ChargeRejected.class),
            entry(ChargeReversed.TYPE, ChargeReversed.class),
            entry(EntryPosted.TYPE, EntryPosted.class),
            entry(PostCharge.TYPE, PostCharge.class),
            entry(PostRefund.TYPE, PostRefund.class),
            entry(RecordPayment.TYPE, RecordPayment.class),
            entry(RefundPosted.TYPE, RefundPosted.class),
            entry(ReverseCharge.TYPE, ReverseCharge.class)));

    private MessageTypes() {}
}
