package till.checkout.web;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import till.checkout.refund.RefundService;
import till.checkout.refund.Refunds;
import till.checkout.saga.Checkout;
import till.checkout.saga.CheckoutSaga;
import till.checkout.saga.Checkouts;
import till.checkout.timeline.Timeline;
import till.platform.web.InvalidRequestException;
import till.platform.web.ProblemDetails;

/** {@code /api/checkouts}: start a checkout (202, then follow {@code Location}), read it, read its timeline. */
@RestController
@RequestMapping("/api/checkouts")
class CheckoutController {

    static final int MAX_LINES = 100;

    record LineRequest(
            @NotBlank String productId, @NotNull @Positive Integer quantity) {}

    record CheckoutRequest(
            @NotBlank String customerId,
            @NotEmpty @Size(max = MAX_LINES) List<@Valid @NotNull LineRequest> lines) {}

    record LineView(
            String productId, int quantity, @Nullable Long unitPriceMinor) {}

    record RefundRequest(@NotEmpty @Size(max = MAX_LINES) List<@Valid @NotNull LineRequest> lines) {}

    record RefundView(UUID refundId, String status, long amountMinor, List<Refunds.RefundLine> lines) {

        static RefundView of(Refunds.Refund r) {
            return new RefundView(r.refundId(), r.completed() ? "COMPLETED" : "PENDING", r.amountMinor(), r.lines());
        }
    }

    record CheckoutView(
            UUID checkoutId,
            String customerId,
            String status,
            @Nullable String reason,
            List<LineView> lines,
            @Nullable Long totalMinor,
            List<RefundView> refunds) {

        static CheckoutView of(Checkout c, List<Refunds.Refund> refunds) {
            return new CheckoutView(
                    c.id(),
                    c.customerId(),
                    c.status().name(),
                    c.reason() == null ? null : c.reason().name(),
                    c.lines().stream()
                            .map(l -> new LineView(l.productId(), l.quantity(), l.unitPriceMinor()))
                            .toList(),
                    c.totalMinor(),
                    refunds.stream().map(RefundView::of).toList());
        }
    }

    private final CheckoutSaga saga;
    private final Checkouts checkouts;
    private final Timeline timeline;
    private final Refunds refunds;
    private final RefundService refundService;

    CheckoutController(
            CheckoutSaga saga, Checkouts checkouts, Timeline timeline, Refunds refunds, RefundService refundService) {
        this.refunds = refunds;
        this.refundService = refundService;
        this.saga = saga;
        this.checkouts = checkouts;
        this.timeline = timeline;
    }

    /**
     * The same product on two lines is refused (400 naming the second line) rather than merged: a till that
     * sends it has a bug worth seeing, and merging would make the answer differ from the request.
     */
    @PostMapping
    ResponseEntity<CheckoutView> start(
            @RequestHeader("Idempotency-Key") String idempotencyKey, @Valid @RequestBody CheckoutRequest request) {
        checkKey(idempotencyKey);
        List<CheckoutSaga.Item> items = new ArrayList<>();
        distinctProducts(request.lines())
                .forEach((productId, quantity) -> items.add(new CheckoutSaga.Item(productId, quantity)));
        CheckoutSaga.Started started = saga.start(idempotencyKey, request.customerId(), items);
        Checkout checkout = started.checkout();
        return ResponseEntity.accepted()
                .location(URI.create("/api/checkouts/" + checkout.id()))
                .body(CheckoutView.of(checkout, refunds.of(checkout.id())));
    }

    /** Refund part or all of a CONFIRMED checkout; never more than was sold (409). */
    @PostMapping("/{checkoutId}/refunds")
    ResponseEntity<RefundView> refund(
            @PathVariable UUID checkoutId,
            @RequestHeader("Idempotency-Key") String idempotencyKey,
            @Valid @RequestBody RefundRequest request) {
        checkKey(idempotencyKey);
        return refundService
                .request(checkoutId, idempotencyKey, distinctProducts(request.lines()))
                .map(requested -> ResponseEntity.accepted()
                        .location(URI.create("/api/checkouts/" + checkoutId))
                        .body(RefundView.of(requested.refund())))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    private static void checkKey(String idempotencyKey) {
        if (idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new InvalidRequestException("Idempotency-Key", "must be 1 to 200 characters");
        }
    }

    private static Map<String, Integer> distinctProducts(List<LineRequest> lines) {
        Map<String, Integer> quantities = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            LineRequest line = lines.get(i);
            Integer earlier = firstLine.putIfAbsent(line.productId(), i);
            if (earlier != null) {
                throw new InvalidRequestException(
                        "lines[" + i + "].productId", "repeats lines[" + earlier + "]; put the total on one line");
            }
            quantities.put(line.productId(), line.quantity());
        }
        return quantities;
    }

    @GetMapping("/{checkoutId}")
    ResponseEntity<CheckoutView> get(@PathVariable UUID checkoutId) {
        return checkouts
                .find(checkoutId)
                .map(c -> ResponseEntity.ok(CheckoutView.of(c, refunds.of(checkoutId))))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    @GetMapping("/{checkoutId}/timeline")
    ResponseEntity<List<Timeline.Entry>> timeline(@PathVariable UUID checkoutId) {
        if (checkouts.find(checkoutId).isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok(timeline.of(checkoutId));
    }

    @ExceptionHandler(RefundService.RefundConflict.class)
    ResponseEntity<Object> refundConflict(RefundService.RefundConflict e) {
        return ProblemDetails.problem(HttpStatus.CONFLICT, e.getMessage(), Map.of());
    }

    @ExceptionHandler(RefundService.RefundKeyReused.class)
    ResponseEntity<Object> refundKeyReused(RefundService.RefundKeyReused e) {
        return ProblemDetails.problem(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage(), Map.of());
    }

    @ExceptionHandler(CheckoutSaga.IdempotencyKeyReused.class)
    ResponseEntity<Object> keyReused(CheckoutSaga.IdempotencyKeyReused e) {
        return ProblemDetails.problem(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage(), Map.of());
    }
}
