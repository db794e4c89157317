package till.checkout.refund;

import static till.checkout.idempotency.TillRequests.MAX_LINES;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import till.checkout.idempotency.TillRequests;
import till.checkout.idempotency.TillRequests.LineRequest;
import till.platform.web.ProblemDetails;

/** {@code POST /api/checkouts/{checkoutId}/refunds}: refund part or all of a CONFIRMED checkout. */
@RestController
class RefundController {

    record RefundRequest(@NotEmpty @Size(max = MAX_LINES) List<@Valid @NotNull LineRequest> lines) {}

    private final RefundService refundService;

    RefundController(RefundService refundService) {
        this.refundService = refundService;
    }

    /** 202 with the refund, 404 for an unknown checkout, 409 for more than is left to refund. */
    @PostMapping("/api/checkouts/{checkoutId}/refunds")
    ResponseEntity<RefundView> refund(
            @PathVariable UUID checkoutId,
            @RequestHeader("Idempotency-Key") String idempotencyKey,
            @Valid @RequestBody RefundRequest request) {
        TillRequests.checkKey(idempotencyKey);
        return refundService
                .request(checkoutId, idempotencyKey, TillRequests.distinctProducts(request.lines()))
                .map(requested -> ResponseEntity.accepted()
                        .location(URI.create("/api/checkouts/" + checkoutId))
                        .body(RefundView.of(requested.refund())))
                .orElseThrow(() -> TillRequests.noSuchCheckout(checkoutId));
    }

    @ExceptionHandler(RefundService.RefundConflict.class)
    ResponseEntity<Object> refundConflict(RefundService.RefundConflict e) {
        return ProblemDetails.problem(HttpStatus.CONFLICT, e.getMessage(), Map.of());
    }

    @ExceptionHandler(RefundService.RefundKeyReused.class)
    ResponseEntity<Object> refundKeyReused(RefundService.RefundKeyReused e) {
        return ProblemDetails.problem(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage(), Map.of());
    }
}
