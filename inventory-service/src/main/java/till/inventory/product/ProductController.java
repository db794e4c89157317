package till.inventory.product;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import till.platform.web.InvalidRequestException;
import till.platform.web.Limits;
import till.platform.web.ProblemDetails;

/** The catalogue and stock over REST, per the SPEC. Every write goes through {@link ProductLocks}. */
@RestController
@RequestMapping("/api/products/{productId}")
class ProductController {

    record ProductForm(
            @NotBlank @Size(max = 200) String name,

            @NotNull @PositiveOrZero @Max(Limits.MAX_AMOUNT_MINOR)
            Long priceMinor,

            @NotNull @PositiveOrZero @Max(Limits.MAX_STOCK) Long onHand) {}

    record AdjustmentRequest(
            @NotBlank @Size(max = 200) String adjustmentId,

            @NotNull @Min(-Limits.MAX_STOCK) @Max(Limits.MAX_STOCK)
            Long delta,

            @NotBlank @Size(max = 200) String reason) {}

    record ProductView(
            String productId, String name, long priceMinor, long onHand, long reserved, long available, long version) {

        static ProductView of(Product product) {
            Stock stock = product.stock();
            return new ProductView(
                    product.productId(),
                    product.name(),
                    product.priceMinor(),
                    stock.onHand(),
                    stock.reserved(),
                    stock.available(),
                    product.version());
        }
    }

    private final ProductEdits edits;
    private final ProductLocks locks;
    private final ProductRepository products;
    private final Adjustments adjustments;

    ProductController(ProductEdits edits, ProductLocks locks, ProductRepository products, Adjustments adjustments) {
        this.edits = edits;
        this.locks = locks;
        this.products = products;
        this.adjustments = adjustments;
    }

    @GetMapping
    ResponseEntity<?> get(@PathVariable String productId) {
        return products.findById(productId)
                .<ResponseEntity<?>>map(
                        product -> ResponseEntity.ok().eTag(product.etag()).body(ProductView.of(product)))
                .orElseGet(() -> notFound(productId));
    }

    @PutMapping
    ResponseEntity<ProductView> put(
            @PathVariable String productId,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
            @Valid @RequestBody ProductForm form) {
        ProductEdits.Edit edit = edits.put(productId, ifMatch, form.name(), form.priceMinor(), form.onHand());
        Product product = edit.product();
        // Encoded: an id may hold any character, and one that is not legal in a URI must not fail the answer.
        URI location = UriComponentsBuilder.fromPath("/api/products")
                .pathSegment(productId)
                .build()
                .encode()
                .toUri();
        ResponseEntity.BodyBuilder response = edit.created() ? ResponseEntity.created(location) : ResponseEntity.ok();
        return response.eTag(product.etag()).body(ProductView.of(product));
    }

    @PostMapping("/adjustments")
    ResponseEntity<?> adjust(@PathVariable String productId, @Valid @RequestBody AdjustmentRequest request) {
        if (request.delta() == 0) {
            throw new InvalidRequestException("delta", "must not be zero");
        }
        Adjustments.Outcome outcome = locks.write(
                productId,
                locked -> locked.map(product ->
                                adjustments.apply(product, request.adjustmentId(), request.delta(), request.reason()))
                        .orElse(null));
        if (outcome == null) {
            return notFound(productId);
        }
        // 201 the first time; a repeat of the same adjustment id is answered 200 with the product as it is now.
        return ResponseEntity.status(outcome.applied() ? HttpStatus.CREATED : HttpStatus.OK)
                .eTag(outcome.product().etag())
                .body(ProductView.of(outcome.product()));
    }

    @ExceptionHandler(ProductEdits.IfMatchRequiredException.class)
    ResponseEntity<Object> ifMatchRequired(ProductEdits.IfMatchRequiredException e) {
        return ProblemDetails.problem(HttpStatus.PRECONDITION_REQUIRED, e.getMessage(), Map.of());
    }

    @ExceptionHandler(ProductEdits.StaleVersionException.class)
    ResponseEntity<Object> stale(ProductEdits.StaleVersionException e) {
        Map<String, Object> properties = new HashMap<>();
        if (e.currentEtag != null) {
            properties.put("currentEtag", e.currentEtag);
        }
        return ProblemDetails.problem(HttpStatus.PRECONDITION_FAILED, e.getMessage(), properties);
    }

    @ExceptionHandler(BelowReservedException.class)
    ResponseEntity<Object> belowReserved(BelowReservedException e) {
        return ProblemDetails.problem(HttpStatus.CONFLICT, e.getMessage(), Map.of());
    }

    @ExceptionHandler(AdjustmentIdReusedException.class)
    ResponseEntity<Object> adjustmentIdReused(AdjustmentIdReusedException e) {
        return ProblemDetails.problem(HttpStatus.CONFLICT, e.getMessage(), Map.of());
    }

    @ExceptionHandler(LockUnavailableException.class)
    ResponseEntity<Object> locked(LockUnavailableException e) {
        ResponseEntity<Object> problem = ProblemDetails.problem(
                HttpStatus.SERVICE_UNAVAILABLE, e.getMessage() + "; try again shortly", Map.of());
        return ResponseEntity.status(problem.getStatusCode())
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem.getBody());
    }

    private static ResponseEntity<?> notFound(String productId) {
        return ProblemDetails.problem(HttpStatus.NOT_FOUND, "no product " + productId, Map.of());
    }
}
