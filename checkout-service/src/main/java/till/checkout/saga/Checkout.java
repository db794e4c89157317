package till.checkout.saga;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import till.contracts.checkout.CheckoutConfirmed;
import till.contracts.checkout.CheckoutRejected;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.ReverseCharge;
import till.platform.kafka.Topics;

/**
 * The checkout saga's state and rules, free of Spring and SQL so every path can be unit-tested.
 *
 * <p>A checkout whose every line has a quoted price (ADR 10) asks for its reservations, each at its quote, and its
 * charge, for the quoted total, at once; it is CONFIRMED on the last of the two answers, in either order: every line
 * reserved (inventory reserves only at the quoted price) and the charge posted. A checkout without a quote for every
 * line reserves every line first and then charges the total at the reserved prices. Either way, inventory sells a
 * line's units as it reserves them (ADR 17), so a CONFIRMED sale sends inventory nothing more. Any rejection, or the
 * deadline passing before the checkout is CONFIRMED, compensates: every line not rejected is released (inventory
 * gives the units back, or leaves a marker when the release overtakes its reservation) and a requested or posted
 * charge is reversed (the ledger does the same). Replies are applied only
 * from the state that expects them, so a duplicate or late reply changes nothing; a reply that finds the checkout
 * already REJECTED compensates whatever it reports instead of resurrecting it. A transition's messages are collected
 * in {@link #drain()}.
 */
public final class Checkout {

    private final UUID id;
    private final String customerId;
    private final Instant deadline;
    private final Map<String, CheckoutLine> lines;
    private CheckoutStatus status;
    private @Nullable RejectionReason reason;
    private ChargeState charge;
    private @Nullable Long totalMinor;
    private final List<Outgoing> outgoing = new ArrayList<>();

    public Checkout(
            UUID id,
            String customerId,
            Instant deadline,
            List<CheckoutLine> lines,
            CheckoutStatus status,
            @Nullable RejectionReason reason,
            ChargeState charge,
            @Nullable Long totalMinor) {
        this.id = id;
        this.customerId = customerId;
        this.deadline = deadline;
        this.lines = new LinkedHashMap<>();
        lines.forEach(line -> this.lines.put(line.productId(), line));
        this.status = status;
        this.reason = reason;
        this.charge = charge;
        this.totalMinor = totalMinor;
    }

    /**
     * A new checkout. When every line carries a quoted unit price and the quoted total is worth charging, every line is
     * requested at its quote and the total is charged at once (ADR 10); otherwise the quotes are dropped and every line
     * is requested at whatever inventory's price is, the charge following the reservations. A sale has at least one
     * line (the API refuses an empty one; {@link Checkouts#insert} relies on it).
     */
    public static Checkout start(UUID id, String customerId, Instant deadline, List<CheckoutLine> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a checkout has at least one line");
        }
        long quotedTotal = quotedTotal(lines);
        boolean quoted = quotedTotal > 0;
        List<CheckoutLine> requested =
                quoted ? lines : lines.stream().map(CheckoutLine::unquoted).toList();
        Checkout checkout =
                new Checkout(id, customerId, deadline, requested, CheckoutStatus.PENDING, null, ChargeState.NONE, null);
        for (CheckoutLine line : requested) {
            checkout.send(
                    Topics.INVENTORY_COMMANDS,
                    line.productId(),
                    ReserveStock.TYPE,
                    new ReserveStock(id.toString(), line.productId(), line.quantity(), line.unitPriceMinor()));
        }
        if (quoted) {
            checkout.requestCharge(quotedTotal);
        }
        return checkout;
    }

    /** The total at the lines' quoted prices; 0 when a line has no quote. */
    private static long quotedTotal(List<CheckoutLine> lines) {
        long total = 0;
        for (CheckoutLine line : lines) {
            Long price = line.unitPriceMinor();
            if (price == null) {
                return 0;
            }
            total = Math.addExact(total, Math.multiplyExact(line.quantity(), price));
        }
        return total;
    }

    /**
     * A rejected checkout moved its requested lines to RELEASE_REQUESTED, so a late reservation is ignored here:
     * the release sent after it on the same product's partition gives the units back. A line reserved at a price
     * other than its quote rejects the checkout PRICE_CHANGED: inventory refuses such a reservation, so only an
     * inventory that ignores quotes (one older than ADR 10) can send it, and the charge must not stand.
     */
    public void stockReserved(String productId, long unitPriceMinor) {
        CheckoutLine line = lines.get(productId);
        if (line == null || line.state() != LineState.REQUESTED) {
            return;
        }
        Long quoted = line.unitPriceMinor();
        lines.put(productId, line.reservedAt(unitPriceMinor));
        if (quoted != null && quoted != unitPriceMinor) {
            reject(RejectionReason.PRICE_CHANGED);
            return;
        }
        if (!allReserved()) {
            return;
        }
        if (charge == ChargeState.NONE) {
            long total = lines.values().stream()
                    .mapToLong(l -> Math.multiplyExact(l.quantity(), l.reservedPriceMinor()))
                    .sum();
            requestCharge(total);
        } else if (charge == ChargeState.POSTED) {
            confirm();
        }
    }

    private boolean allReserved() {
        return lines.values().stream().allMatch(l -> l.state() == LineState.RESERVED);
    }

    private void requestCharge(long total) {
        totalMinor = total;
        charge = ChargeState.REQUESTED;
        send(Topics.LEDGER_COMMANDS, customerId, PostCharge.TYPE, new PostCharge(id.toString(), customerId, total));
    }

    public void stockRejected(String productId, RejectionReason why) {
        CheckoutLine line = lines.get(productId);
        if (line == null || line.state() != LineState.REQUESTED) {
            return;
        }
        lines.put(productId, line.with(LineState.REJECTED));
        reject(why);
    }

    /**
     * The charge is posted: the sale is made once every line is reserved too, which a checkout that reserved first
     * already is, and a quoted one may not be yet (its last reservation then confirms it). A rejected checkout
     * already asked for the reversal, which follows the charge on the customer's partition.
     */
    public void chargePosted() {
        if (charge != ChargeState.REQUESTED) {
            return;
        }
        charge = ChargeState.POSTED;
        if (allReserved()) {
            confirm();
        }
    }

    /**
     * CONFIRMED. Every line is sold already: inventory sells a line's units when it reserves them, and gives them
     * back only on a release, which a checkout sends only when it is rejected (ADR 17). So nothing is sent to
     * inventory, and the lines are COMMITTED as they stand.
     */
    private void confirm() {
        status = CheckoutStatus.CONFIRMED;
        for (CheckoutLine line : lines.values()) {
            lines.put(line.productId(), line.with(LineState.COMMITTED));
        }
        send(
                Topics.CHECKOUT_EVENTS,
                id.toString(),
                CheckoutConfirmed.TYPE,
                new CheckoutConfirmed(id.toString(), customerId, totalMinor == null ? 0 : totalMinor));
    }

    public void chargeRejected(RejectionReason why) {
        if (charge != ChargeState.REQUESTED) {
            return;
        }
        charge = ChargeState.REJECTED;
        reject(why);
    }

    /**
     * A {@code StockCommitted}, which an inventory from before ADR 16 sent for every commit of a checkout-service
     * from before ADR 17.
     */
    public void stockCommitted(String productId) {
        CheckoutLine line = lines.get(productId);
        if (line == null || line.state() != LineState.COMMIT_REQUESTED) {
            return;
        }
        lines.put(productId, line.with(LineState.COMMITTED));
    }

    /**
     * Inventory refused to commit a line of this CONFIRMED checkout, sent by a checkout-service from before ADR 17:
     * its reservation is missing or released. No rule of the saga leads here, so nothing is undone; the line is
     * marked for the invariants to report.
     */
    public void stockCommitRefused(String productId) {
        CheckoutLine line = lines.get(productId);
        if (line == null || line.state() != LineState.COMMIT_REQUESTED) {
            return;
        }
        lines.put(productId, line.with(LineState.COMMIT_REFUSED));
    }

    public void stockReleased(String productId) {
        CheckoutLine line = lines.get(productId);
        if (line != null && line.state() == LineState.RELEASE_REQUESTED) {
            lines.put(productId, line.with(LineState.RELEASED));
        }
    }

    public void chargeReversed() {
        if (charge == ChargeState.REVERSAL_REQUESTED) {
            charge = ChargeState.REVERSED;
        }
    }

    /**
     * True when the deadline has passed and the checkout is not CONFIRMED (after that, nothing remains). A quoted
     * checkout's charge may be posted while a line is still unanswered: it is overdue too, and its charge reversed.
     */
    public boolean overdue(Instant now) {
        return status == CheckoutStatus.PENDING && now.isAfter(deadline);
    }

    public void timeOut(Instant now) {
        if (overdue(now)) {
            reject(RejectionReason.TIMED_OUT);
        }
    }

    private void reject(RejectionReason why) {
        if (status != CheckoutStatus.PENDING) {
            return;
        }
        status = CheckoutStatus.REJECTED;
        reason = why;
        for (CheckoutLine line : lines.values()) {
            if (line.state() == LineState.REQUESTED || line.state() == LineState.RESERVED) {
                lines.put(line.productId(), line.with(LineState.RELEASE_REQUESTED));
                send(
                        Topics.INVENTORY_COMMANDS,
                        line.productId(),
                        ReleaseStock.TYPE,
                        new ReleaseStock(id.toString(), line.productId()));
            }
        }
        if (charge == ChargeState.REQUESTED || charge == ChargeState.POSTED) {
            requestReversal();
        }
        send(
                Topics.CHECKOUT_EVENTS,
                id.toString(),
                CheckoutRejected.TYPE,
                new CheckoutRejected(id.toString(), customerId, why.name()));
    }

    private void requestReversal() {
        charge = ChargeState.REVERSAL_REQUESTED;
        send(Topics.LEDGER_COMMANDS, customerId, ReverseCharge.TYPE, new ReverseCharge(id.toString(), customerId));
    }

    private void send(String topic, String key, String type, Object data) {
        outgoing.add(new Outgoing(topic, key, type, data));
    }

    /** The messages this transition decided to send, in order; clears them. */
    public List<Outgoing> drain() {
        List<Outgoing> drained = List.copyOf(outgoing);
        outgoing.clear();
        return drained;
    }

    public UUID id() {
        return id;
    }

    public String customerId() {
        return customerId;
    }

    public Instant deadline() {
        return deadline;
    }

    public List<CheckoutLine> lines() {
        return List.copyOf(lines.values());
    }

    public CheckoutStatus status() {
        return status;
    }

    public @Nullable RejectionReason reason() {
        return reason;
    }

    public ChargeState charge() {
        return charge;
    }

    public @Nullable Long totalMinor() {
        return totalMinor;
    }
}
