package till.inventory.reservation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code reservations} table; used under the products' locks, so reads and writes here do not race. Each
 * method is one statement over any number of reservations: a poll's book reads and writes them at once.
 */
@Component
class Reservations {

    private final JdbcClient jdbc;

    Reservations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The reservations that exist among {@code keys}, by key; no statement when there are none to look for. */
    Map<ReservationKey, Reservation> findAll(List<ReservationKey> keys) {
        Map<ReservationKey, Reservation> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        jdbc.sql("""
                        SELECT r.checkout_id, r.product_id, r.quantity, r.unit_price_minor, r.state
                        FROM unnest(?::text[], ?::text[]) AS k (checkout_id, product_id)
                        JOIN reservations r ON r.checkout_id = k.checkout_id AND r.product_id = k.product_id
                        """)
                .params(
                        keys.stream().map(ReservationKey::checkoutId).toArray(String[]::new),
                        keys.stream().map(ReservationKey::productId).toArray(String[]::new))
                .query(Reservations::map)
                .list()
                .forEach(reservation -> found.put(reservation.key(), reservation));
        return found;
    }

    /** New reservations (live ones and a release's markers), in one statement; none, no statement. */
    void insertAll(Collection<Reservation> made) {
        if (made.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        INSERT INTO reservations (checkout_id, product_id, quantity, unit_price_minor, state)
                        SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[])
                        """)
                .params(
                        made.stream().map(Reservation::checkoutId).toArray(String[]::new),
                        made.stream().map(Reservation::productId).toArray(String[]::new),
                        made.stream().map(Reservation::quantity).toArray(Long[]::new),
                        made.stream().map(Reservation::unitPriceMinor).toArray(Long[]::new),
                        made.stream().map(r -> r.state().name()).toArray(String[]::new))
                .update();
    }

    /** Moves reservations already written to their new states, in one statement; none, no statement. */
    void moveAll(Collection<Reservation> moved) {
        if (moved.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        UPDATE reservations r SET state = m.state, updated_at = now()
                        FROM unnest(?::text[], ?::text[], ?::text[]) AS m (checkout_id, product_id, state)
                        WHERE r.checkout_id = m.checkout_id AND r.product_id = m.product_id
                        """)
                .params(
                        moved.stream().map(Reservation::checkoutId).toArray(String[]::new),
                        moved.stream().map(Reservation::productId).toArray(String[]::new),
                        moved.stream().map(r -> r.state().name()).toArray(String[]::new))
                .update();
    }

    private static Reservation map(ResultSet rs, int row) throws SQLException {
        return new Reservation(
                rs.getString("checkout_id"),
                rs.getString("product_id"),
                rs.getLong("quantity"),
                rs.getLong("unit_price_minor"),
                Reservation.State.valueOf(rs.getString("state")));
    }
}
