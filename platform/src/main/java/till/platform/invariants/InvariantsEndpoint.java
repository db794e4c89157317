package till.platform.invariants;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.stereotype.Component;

/** {@code GET /actuator/invariants}: what this service checked and every violation found, empty when sound. */
@Component
@Endpoint(id = "invariants")
public class InvariantsEndpoint {

    public record Violation(String invariant, String detail) {}

    public record Report(boolean sound, List<String> checked, List<Violation> violations) {}

    private final List<InvariantCheck> checks;

    InvariantsEndpoint(List<InvariantCheck> checks) {
        this.checks = checks;
    }

    @ReadOperation
    public Report report() {
        List<String> checked = new ArrayList<>();
        List<Violation> violations = new ArrayList<>();
        for (InvariantCheck check : checks) {
            checked.add(check.description());
            check.violations().forEach(v -> violations.add(new Violation(check.description(), v)));
        }
        return new Report(violations.isEmpty(), checked, violations);
    }
}
