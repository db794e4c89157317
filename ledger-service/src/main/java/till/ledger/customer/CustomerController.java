package till.ledger.customer;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import till.platform.web.InvalidRequestException;
import till.platform.web.Limits;
import till.platform.web.ProblemDetails;

/** Creating and updating customers, and reading their balance. */
@RestController
@RequestMapping("/api/customers/{customerId}")
class CustomerController {

    private final Customers customers;

    CustomerController(Customers customers) {
        this.customers = customers;
    }

    record CustomerForm(
            @NotBlank @Size(max = 200) @Nullable String name,

            @NotNull @PositiveOrZero @Max(Limits.MAX_AMOUNT_MINOR) @Nullable
            Long creditLimitMinor) {}

    /** Creates the customer (201) or updates name and credit limit (200). */
    @PutMapping
    ResponseEntity<CustomerView> put(@PathVariable String customerId, @Valid @RequestBody CustomerForm form) {
        if (customerId.isBlank() || customerId.length() > 100) {
            throw new InvalidRequestException("customerId", "must be 1 to 100 characters");
        }
        boolean created = customers.save(
                customerId, String.valueOf(form.name()), form.creditLimitMinor() == null ? 0 : form.creditLimitMinor());
        CustomerView view = customers.find(customerId).orElseThrow();
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                .body(view);
    }

    @GetMapping
    ResponseEntity<Object> get(@PathVariable String customerId) {
        return customers
                .find(customerId)
                .<ResponseEntity<Object>>map(ResponseEntity::ok)
                .orElseGet(() -> ProblemDetails.problem(
                        HttpStatus.NOT_FOUND, "no customer " + customerId, Map.of("customerId", customerId)));
    }
}
