package till.checkout.refund;

import java.util.List;
import java.util.UUID;

/** A refund as the REST API shows it, on its own and in its checkout. */
public record RefundView(UUID refundId, String status, long amountMinor, List<Refunds.RefundLine> lines) {

    public static RefundView of(Refunds.Refund r) {
        return new RefundView(r.refundId(), r.completed() ? "COMPLETED" : "PENDING", r.amountMinor(), r.lines());
    }
}
