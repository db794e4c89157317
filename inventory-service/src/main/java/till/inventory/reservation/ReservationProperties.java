package till.inventory.reservation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import till.platform.Settings;

/**
 * {@code till.inventory.reservation.*} (environment: {@code TILL_INVENTORY_RESERVATION_HOLDLIMIT}).
 *
 * @param holdLimit how long a reservation may stay held (neither committed nor released) before the invariants
 *     report it: a checkout is decided within its deadline (checkout-service's {@code till.checkout.deadline}, 30 s
 *     by default) and its commits or releases follow within seconds, so the default allows that deadline and a
 *     minute more. A stack that gives checkouts a longer deadline gives its inventory a longer limit.
 */
@ConfigurationProperties("till.inventory.reservation")
public record ReservationProperties(@DefaultValue("90s") Duration holdLimit) {

    public ReservationProperties {
        Settings.positive("till.inventory.reservation.hold-limit", holdLimit);
    }
}
