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

    record LineRequest(@NotBlank String productId, @NotNull @Positive Integer quantity) {}

    record CheckoutRequest(
            @NotBlank String customerId, @NotEmpty @Size(max = MAX_LINES) List<@Valid @NotNull LineRequest> lines) {}

    record LineView(String productId, int quantity, @Nullable Long unitPriceMinor) {}

    record CheckoutView(
            UUID checkoutId,
            String customerId,
            String status,
            @Nullable String reason,
            List<LineView> lines,
            @Nullable Long totalMinor) {

        static CheckoutView of(Checkout c) {
            return new CheckoutView(
                    c.id(),
                    c.customerId(),
                    c.status().name(),
                    c.reason() == null ? null : c.reason().name(),
                    c.lines().stream()
                            .map(l -> new LineView(l.productId(), l.quantity(), l.unitPriceMinor()))
                            .toList(),
                    c.totalMinor());
        }
    }

    private final CheckoutSaga saga;
    private final Checkouts checkouts;
    private final Timeline timeline;

    CheckoutController(CheckoutSaga saga, Checkouts checkouts, Timeline timeline) {
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
        if (idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new InvalidRequestException("Idempotency-Key", "must be 1 to 200 characters");
        }
        Map<String, Integer> firstLine = new HashMap<>();
        List<CheckoutSaga.Item> items = new ArrayList<>();
        for (int i = 0; i < request.lines().size(); i++) {
            LineRequest line = request.lines().get(i);
            Integer earlier = firstLine.putIfAbsent(line.productId(), i);
            if (earlier != null) {
                throw new InvalidRequestException(
                        "lines[" + i + "].productId", "repeats lines[" + earlier + "]; put the total on one line");
            }
            items.add(new CheckoutSaga.Item(line.productId(), line.quantity()));
        }
        CheckoutSaga.Started started = saga.start(idempotencyKey, request.customerId(), items);
        Checkout checkout = started.checkout();
        return ResponseEntity.accepted()
                .location(URI.create("/api/checkouts/" + checkout.id()))
                .body(CheckoutView.of(checkout));
    }

    @GetMapping("/{checkoutId}")
    ResponseEntity<CheckoutView> get(@PathVariable UUID checkoutId) {
        return checkouts.find(checkoutId)
                .map(c -> ResponseEntity.ok(CheckoutView.of(c)))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    @GetMapping("/{checkoutId}/timeline")
    ResponseEntity<List<Timeline.Entry>> timeline(@PathVariable UUID checkoutId) {
        if (checkouts.find(checkoutId).isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok(timeline.of(checkoutId));
    }

    @ExceptionHandler(CheckoutSaga.IdempotencyKeyReused.class)
    ResponseEntity<Object> keyReused(CheckoutSaga.IdempotencyKeyReused e) {
        return ProblemDetails.problem(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage(), Map.of());
    }
}
