package till.inventory.reservation;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code reservations} table; used under the product's lock, so reads and writes here do not race. */
@Component
class Reservations {

    private final JdbcClient jdbc;

    Reservations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Reservation> find(String checkoutId, String productId) {
        return jdbc.sql("""
                        SELECT checkout_id, product_id, quantity, unit_price_minor, state
                        FROM reservations
                        WHERE checkout_id = ? AND product_id = ?
                        """)
                .params(checkoutId, productId)
                .query((rs, n) -> new Reservation(
                        rs.getString("checkout_id"),
                        rs.getString("product_id"),
                        rs.getLong("quantity"),
                        rs.getLong("unit_price_minor"),
                        Reservation.State.valueOf(rs.getString("state"))))
                .optional();
    }

    /** The reservations of these checkouts for one product, by checkout id: one query for a run of commands. */
    Map<String, Reservation> findAll(String productId, Collection<String> checkoutIds) {
        Map<String, Reservation> found = new HashMap<>();
        jdbc.sql("""
                        SELECT checkout_id, product_id, quantity, unit_price_minor, state
                        FROM reservations
                        WHERE product_id = ? AND checkout_id = ANY(?)
                        """)
                .params(productId, checkoutIds.toArray(String[]::new))
                .query((rs, n) -> new Reservation(
                        rs.getString("checkout_id"),
                        rs.getString("product_id"),
                        rs.getLong("quantity"),
                        rs.getLong("unit_price_minor"),
                        Reservation.State.valueOf(rs.getString("state"))))
                .list()
                .forEach(reservation -> found.put(reservation.checkoutId(), reservation));
        return found;
    }

    /** New RESERVED reservations of one product at one price, in one statement. */
    void insertReserved(String productId, long unitPriceMinor, List<Reservation> made) {
        jdbc.sql("""
                        INSERT INTO reservations (checkout_id, product_id, quantity, unit_price_minor, state)
                        SELECT checkout_id, ?, quantity, ?, 'RESERVED'
                        FROM unnest(?::text[], ?::bigint[]) AS made (checkout_id, quantity)
                        """)
                .params(
                        productId,
                        unitPriceMinor,
                        made.stream().map(Reservation::checkoutId).toArray(String[]::new),
                        made.stream().map(Reservation::quantity).toArray(Long[]::new))
                .update();
    }

    void insert(Reservation reservation) {
        jdbc.sql("""
                        INSERT INTO reservations (checkout_id, product_id, quantity, unit_price_minor, state)
                        VALUES (?, ?, ?, ?, ?)
                        """)
                .params(
                        reservation.checkoutId(),
                        reservation.productId(),
                        reservation.quantity(),
                        reservation.unitPriceMinor(),
                        reservation.state().name())
                .update();
    }

    void moveTo(Reservation reservation, Reservation.State state) {
        jdbc.sql("""
                        UPDATE reservations SET state = ?, updated_at = now()
                        WHERE checkout_id = ? AND product_id = ?
                        """)
                .params(state.name(), reservation.checkoutId(), reservation.productId())
                .update();
    }
}
