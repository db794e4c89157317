package till.synccheckout.catalogue;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Creates or replaces products and customers: the seeding a benchmark needs, and nothing more. */
@RestController
class CatalogueController {

    record ProductForm(
            @NotBlank @Size(max = 200) String name,
            @NotNull @PositiveOrZero Long priceMinor,
            @NotNull @PositiveOrZero Long onHand) {}

    record CustomerForm(
            @NotBlank @Size(max = 200) String name,
            @NotNull @PositiveOrZero Long creditLimitMinor) {}

    private final JdbcClient jdbc;

    CatalogueController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @PutMapping("/api/products/{productId}")
    ProductForm putProduct(@PathVariable String productId, @Valid @RequestBody ProductForm form) {
        jdbc.sql("""
                        INSERT INTO products (product_id, name, price_minor, on_hand) VALUES (?, ?, ?, ?)
                        ON CONFLICT (product_id) DO UPDATE
                            SET name = EXCLUDED.name, price_minor = EXCLUDED.price_minor, on_hand = EXCLUDED.on_hand
                        """)
                .params(productId, form.name(), form.priceMinor(), form.onHand())
                .update();
        return form;
    }

    /** A customer's balance is the ledger's: replacing a customer changes the name and the limit only. */
    @PutMapping("/api/customers/{customerId}")
    CustomerForm putCustomer(@PathVariable String customerId, @Valid @RequestBody CustomerForm form) {
        jdbc.sql("""
                        INSERT INTO customers (customer_id, name, credit_limit_minor) VALUES (?, ?, ?)
                        ON CONFLICT (customer_id) DO UPDATE
                            SET name = EXCLUDED.name, credit_limit_minor = EXCLUDED.credit_limit_minor
                        """).params(customerId, form.name(), form.creditLimitMinor()).update();
        return form;
    }
}
