package till.inventory.product;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Embedded;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of {@code products}: the aggregate Spring Data JDBC reads for GET and writes for a person's edit
 * ({@link ProductRepository}), and the row the locked write path reads under its lock ({@link ProductLocks}). Its
 * version is the ETag: Spring Data moves it by one on each save and saves only over the version it read.
 */
@Table("products")
public record Product(
        @Id String productId,
        String name,
        long priceMinor,
        @Embedded.Empty Stock stock,
        @Version long version) {

    public String etag() {
        return "\"" + version + "\"";
    }

    /** The same product at another version: how Spring Data hands back a saved record. */
    public Product withVersion(long version) {
        return new Product(productId, name, priceMinor, stock, version);
    }
}
