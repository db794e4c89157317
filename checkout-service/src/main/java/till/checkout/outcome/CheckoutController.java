package till.checkout.outcome;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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
import org.springframework.web.context.request.async.DeferredResult;
import till.checkout.idempotency.TillRequests;
import till.checkout.idempotency.TillRequests.LineRequest;
import till.checkout.refund.RefundView;
import till.checkout.refund.Refunds;
import till.checkout.saga.Checkout;
import till.checkout.saga.CheckoutSaga;
import till.checkout.saga.CheckoutStatus;
import till.checkout.saga.Checkouts;
import till.checkout.timeline.Timeline;
import till.platform.web.ProblemDetails;

/**
 * {@code /api/checkouts}: start a checkout (202, then follow {@code Location}), read it, read its timeline
 * (refunds: {@code refund/RefundController}).
 *
 * <p>A till that wants the outcome in the answer sends {@code Prefer: wait=N} (RFC 7240) on the POST or the GET:
 * the request is then held, on no thread and no database connection, until the checkout is decided (200 with
 * {@code Preference-Applied}) or N seconds pass (202, still PENDING).
 */
@RestController
@RequestMapping("/api/checkouts")
class CheckoutController {

    static final String PREFER = "Prefer";
    static final String PREFERENCE_APPLIED = "Preference-Applied";

    record CheckoutRequest(
            @NotBlank @Size(max = 200) String customerId,
            @NotEmpty @Size(max = TillRequests.MAX_LINES) List<@Valid @NotNull LineRequest> lines) {}

    record LineView(
            String productId, int quantity, @Nullable Long unitPriceMinor) {}

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
    private final CheckoutOutcomes outcomes;

    CheckoutController(
            CheckoutSaga saga, Checkouts checkouts, Timeline timeline, Refunds refunds, CheckoutOutcomes outcomes) {
        this.refunds = refunds;
        this.saga = saga;
        this.checkouts = checkouts;
        this.timeline = timeline;
        this.outcomes = outcomes;
    }

    /** 202 with the checkout PENDING; the lines as {@link TillRequests#distinctProducts} reads them. */
    @PostMapping
    ResponseEntity<CheckoutView> start(
            @RequestHeader("Idempotency-Key") String idempotencyKey, @Valid @RequestBody CheckoutRequest request) {
        Checkout checkout = start(UUID.randomUUID(), idempotencyKey, request).checkout();
        return ResponseEntity.accepted()
                .location(URI.create("/api/checkouts/" + checkout.id()))
                .body(view(checkout));
    }

    /**
     * {@link #start}, then with {@code Prefer: wait=N} the answer waits for the outcome. A retry with the same
     * Idempotency-Key waits on the same checkout; one that is decided already answers 200 at once.
     */
    @PostMapping(headers = PREFER)
    DeferredResult<ResponseEntity<CheckoutView>> startAndWait(
            @RequestHeader("Idempotency-Key") String idempotencyKey,
            @RequestHeader(PREFER) List<String> prefer,
            @Valid @RequestBody CheckoutRequest request) {
        Optional<PreferWait> preferred = PreferWait.from(prefer);
        if (preferred.isEmpty()) {
            return answered(start(idempotencyKey, request));
        }
        PreferWait wait = preferred.get();
        UUID checkoutId = UUID.randomUUID();
        // Registered before the checkout exists, so it need not be read again: whenever its decision commits, it
        // wakes this request.
        CompletableFuture<Optional<Checkout>> decided = outcomes.whenDecided(checkoutId);
        CheckoutSaga.Started started;
        try {
            started = start(checkoutId, idempotencyKey, request);
        } catch (RuntimeException e) {
            decided.cancel(false);
            throw e;
        }
        if (!started.created()) {
            // A retry: the checkout is an earlier one, perhaps decided, and it is waited for as a GET would.
            decided.cancel(false);
            return answerWhenDecided(started.checkout().id(), wait, true);
        }
        return hold(checkoutId, decided, answer(started.checkout(), wait, true), wait, true);
    }

    private CheckoutSaga.Started start(UUID checkoutId, String idempotencyKey, CheckoutRequest request) {
        TillRequests.checkKey(idempotencyKey);
        List<CheckoutSaga.Item> items = new ArrayList<>();
        TillRequests.distinctProducts(request.lines())
                .forEach((productId, quantity) -> items.add(new CheckoutSaga.Item(productId, quantity)));
        return saga.start(checkoutId, idempotencyKey, request.customerId(), items);
    }

    /** The checkout as it stands; its answer varies with {@code Prefer}, which a cache must know. */
    @GetMapping("/{checkoutId}")
    ResponseEntity<CheckoutView> get(@PathVariable UUID checkoutId) {
        return checkouts
                .find(checkoutId)
                .map(c -> ResponseEntity.ok().varyBy(PREFER).body(view(c)))
                .orElseThrow(() -> TillRequests.noSuchCheckout(checkoutId));
    }

    /** With {@code Prefer: wait=N}: 200 once the checkout is decided, 202 if it is still PENDING after N seconds. */
    @GetMapping(path = "/{checkoutId}", headers = PREFER)
    DeferredResult<ResponseEntity<CheckoutView>> getWhenDecided(
            @PathVariable UUID checkoutId, @RequestHeader(PREFER) List<String> prefer) {
        return PreferWait.from(prefer)
                .map(wait -> answerWhenDecided(checkoutId, wait, false))
                .orElseGet(() -> answered(get(checkoutId)));
    }

    /**
     * Holds the request until the checkout is decided or the wait runs out, on no thread and no connection: the
     * servlet thread goes back to the pool, and the database wakes the request ({@link CheckoutOutcomes}).
     */
    private DeferredResult<ResponseEntity<CheckoutView>> answerWhenDecided(
            UUID checkoutId, PreferWait wait, boolean withLocation) {
        // Registered before the checkout is read: a decision committed in between still wakes this request.
        CompletableFuture<Optional<Checkout>> decided = outcomes.whenDecided(checkoutId);
        ResponseEntity<CheckoutView> now;
        try {
            now = answerNow(checkoutId, wait, withLocation);
        } catch (RuntimeException e) {
            decided.cancel(false);
            throw e;
        }
        return hold(checkoutId, decided, now, wait, withLocation);
    }

    /**
     * Answers {@code now} at once if the checkout is decided in it or the wait is zero; otherwise when
     * {@code decided}, registered before {@code now} was read, completes, or at the end of the wait.
     */
    private DeferredResult<ResponseEntity<CheckoutView>> hold(
            UUID checkoutId,
            CompletableFuture<Optional<Checkout>> decided,
            ResponseEntity<CheckoutView> now,
            PreferWait wait,
            boolean withLocation) {
        DeferredResult<ResponseEntity<CheckoutView>> answer =
                new DeferredResult<>(wait.duration().toMillis(), () -> answerNow(checkoutId, wait, withLocation));
        answer.onCompletion(() -> decided.cancel(false));
        if (now.getStatusCode() != HttpStatus.ACCEPTED || wait.duration().isZero()) {
            decided.cancel(false);
            answer.setResult(now);
            return answer;
        }
        decided.thenAccept(known -> {
            try {
                // Decided by this instance: answered as its decision left it, unread. A refund, the one thing that
                // changes a decided checkout, can only be asked for once that decision has committed.
                answer.setResult(known.map(checkout -> answer(checkout, List.of(), wait, withLocation))
                        .orElseGet(() -> answerNow(checkoutId, wait, withLocation)));
            } catch (RuntimeException e) {
                answer.setErrorResult(e);
            }
        });
        return answer;
    }

    /** 200 if the checkout is decided, 202 while it is PENDING, 404 if there is no such checkout. */
    private ResponseEntity<CheckoutView> answerNow(UUID checkoutId, PreferWait wait, boolean withLocation) {
        Checkout checkout = checkouts.find(checkoutId).orElseThrow(() -> TillRequests.noSuchCheckout(checkoutId));
        return answer(checkout, wait, withLocation);
    }

    private ResponseEntity<CheckoutView> answer(Checkout checkout, PreferWait wait, boolean withLocation) {
        return answer(checkout, refundsOf(checkout), wait, withLocation);
    }

    private ResponseEntity<CheckoutView> answer(
            Checkout checkout, List<Refunds.Refund> refunds, PreferWait wait, boolean withLocation) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(
                        checkout.status() == CheckoutStatus.PENDING ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .header(PREFERENCE_APPLIED, wait.applied())
                .varyBy(PREFER);
        if (withLocation) {
            answer.location(URI.create("/api/checkouts/" + checkout.id()));
        }
        return answer.body(CheckoutView.of(checkout, refunds));
    }

    private CheckoutView view(Checkout checkout) {
        return CheckoutView.of(checkout, refundsOf(checkout));
    }

    /** Only a CONFIRMED checkout can have refunds: the others are answered without looking for any. */
    private List<Refunds.Refund> refundsOf(Checkout checkout) {
        return checkout.status() == CheckoutStatus.CONFIRMED ? refunds.of(checkout.id()) : List.of();
    }

    private static <T> DeferredResult<T> answered(T answer) {
        DeferredResult<T> result = new DeferredResult<>();
        result.setResult(answer);
        return result;
    }

    @GetMapping("/{checkoutId}/timeline")
    ResponseEntity<List<Timeline.Entry>> timeline(@PathVariable UUID checkoutId) {
        if (checkouts.find(checkoutId).isEmpty()) {
            throw TillRequests.noSuchCheckout(checkoutId);
        }
        return ResponseEntity.ok(timeline.of(checkoutId));
    }

    @ExceptionHandler(CheckoutSaga.IdempotencyKeyReused.class)
    ResponseEntity<Object> keyReused(CheckoutSaga.IdempotencyKeyReused e) {
        return ProblemDetails.problem(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage(), Map.of());
    }
}
