package till.inventory.product;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Creating and editing products by people. Edits are optimistic: they must name the version they were made
 * against ({@code If-Match}), and one made against an older version changes nothing. The version moves with every
 * stock change too, so a form opened before a sale is stale after it.
 */
@Component
class ProductEdits {

    record Edit(Product product, boolean created) {}

    /** An existing product edited without {@code If-Match}. */
    static class IfMatchRequiredException extends RuntimeException {
        IfMatchRequiredException(String productId) {
            super("product " + productId + " exists: send If-Match with the ETag from GET to edit it");
        }
    }

    /** {@code If-Match} named a version that is no longer current (or a product that does not exist). */
    static class StaleVersionException extends RuntimeException {
        final @Nullable String currentEtag;

        StaleVersionException(String detail, @Nullable String currentEtag) {
            super(detail);
            this.currentEtag = currentEtag;
        }
    }

    private final ProductLocks locks;
    private final ProductRepository repository;
    private final Products products;
    private final Adjustments adjustments;

    ProductEdits(ProductLocks locks, ProductRepository repository, Products products, Adjustments adjustments) {
        this.locks = locks;
        this.repository = repository;
        this.products = products;
        this.adjustments = adjustments;
    }

    Edit put(String productId, @Nullable String ifMatch, String name, long priceMinor, long onHand) {
        return locks.write(productId, locked -> {
            if (locked.isEmpty()) {
                if (ifMatch != null) {
                    throw new StaleVersionException("product " + productId + " does not exist", null);
                }
                return create(productId, name, priceMinor, onHand);
            }
            Product current = locked.get();
            if (ifMatch == null) {
                throw new IfMatchRequiredException(productId);
            }
            if (!matches(ifMatch, current)) {
                throw new StaleVersionException(
                        "product " + productId + " changed since " + ifMatch.strip() + "; it is now at "
                                + current.etag() + ": reload and edit again",
                        current.etag());
            }
            long delta = onHand - current.stock().onHand();
            Stock next = current.stock().adjust(delta);
            if (delta != 0) {
                adjustments.recordEdit(productId, delta, "edit");
            }
            // The row is locked, so its version cannot move before this save; the save still writes only over the
            // version it read (@Version), and moves it by one.
            Product edited = repository.save(new Product(productId, name, priceMinor, next, current.version()));
            products.emitEdit(current, edited);
            return new Edit(edited, false);
        });
    }

    private Edit create(String productId, String name, long priceMinor, long onHand) {
        // A concurrent create that committed first makes this an edit, which needs If-Match.
        Product created = products.insert(productId, name, priceMinor, onHand)
                .orElseThrow(() -> new IfMatchRequiredException(productId));
        if (onHand != 0) {
            adjustments.recordEdit(productId, onHand, "initial stock");
        }
        return new Edit(created, true);
    }

    /** Strong comparison (RFC 9110 13.1.1) against any of the listed entity tags; {@code *} is not accepted. */
    static boolean matches(String ifMatch, Product current) {
        return Arrays.stream(ifMatch.split(",")).map(String::strip).anyMatch(current.etag()::equals);
    }
}
