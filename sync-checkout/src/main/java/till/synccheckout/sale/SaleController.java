package till.synccheckout.sale;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /api/sales}: the sale is done when the answer comes, 200 CONFIRMED or 200 REJECTED with the reason
 * (OUT_OF_STOCK, UNKNOWN_PRODUCT, CREDIT_LIMIT_EXCEEDED, UNKNOWN_CUSTOMER). The same Idempotency-Key again
 * answers the first outcome and sells nothing.
 */
@RestController
class SaleController {

    record LineRequest(
            @NotBlank String productId, @NotNull @Positive Integer quantity) {}

    record SaleRequest(
            @NotBlank String customerId,
            @NotEmpty @Size(max = 100) List<@Valid @NotNull LineRequest> lines) {}

    private final Sales sales;

    SaleController(Sales sales) {
        this.sales = sales;
    }

    @PostMapping("/api/sales")
    Sales.Sale sell(@RequestHeader("Idempotency-Key") String idempotencyKey, @Valid @RequestBody SaleRequest request) {
        if (idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Idempotency-Key: 1 to 200 characters");
        }
        SortedMap<String, Integer> quantities = new TreeMap<>();
        for (LineRequest line : request.lines()) {
            if (quantities.put(line.productId(), line.quantity()) != null) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "product " + line.productId() + " twice");
            }
        }
        try {
            return sales.sell(idempotencyKey, request.customerId(), quantities);
        } catch (DuplicateKeyException e) {
            // A concurrent request with the same key committed first; this one rolled back. Answer with its sale.
            return sales.find(idempotencyKey).orElseThrow(() -> e);
        }
    }
}
