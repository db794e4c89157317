package till.inventory.product;

import org.springframework.data.repository.CrudRepository;

/**
 * Products as Spring Data JDBC aggregates, for the plain read (GET) and a person's edit ({@link ProductEdits}).
 * Creation and every stock change stay explicit SQL in {@link Products}: a create must be {@code ON CONFLICT DO
 * NOTHING} (a concurrent create turns it into an edit), and the Kafka write path moves the version by a whole run
 * of changes in one UPDATE.
 */
interface ProductRepository extends CrudRepository<Product, String> {}
