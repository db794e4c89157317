package till.infra.chaos;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a chaos run did and found; {@link #lastLine()} is what scripts and the build read. */
public record Report(
        Settings settings,
        Map<String, Integer> outcomes,
        Shop shop,
        Map<FaultKind, Integer> faults,
        int checked,
        List<String> violations) {

    public int checkouts() {
        return shop.sales.size();
    }

    public int faultCount() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Faults by kind, every kind listed (0 when never injected). */
    public Map<FaultKind, Integer> faultsByKind() {
        Map<FaultKind, Integer> all = new TreeMap<>();
        for (FaultKind kind : FaultKind.values()) {
            all.put(kind, faults.getOrDefault(kind, 0));
        }
        return all;
    }

    public String lastLine() {
        return "chaos: %d checkouts, %d faults, %d violations, seed %d"
                .formatted(checkouts(), faultCount(), violations.size(), settings.seed());
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("%nTill chaos run, seed %d: two instances of every service, %d tills, %d sales over %d min%n%n"
                .formatted(settings.seed(), settings.tills(), settings.checkouts(), settings.minutes()));
        out.append("  %-68s %6d%n".formatted("sales answered (checkouts)", checkouts()));
        outcomes.forEach((outcome, n) -> out.append("    %-66s %6d%n".formatted(outcome, n)));
        out.append("  %-68s %6d%n".formatted("requests never answered", shop.unanswered.size()));
        new TreeMap<>(shop.counts).forEach((what, n) -> out.append("  %-68s %6d%n".formatted(what, n.get())));
        out.append("\n  faults injected\n");
        faultsByKind().forEach((kind, n) -> out.append("    %-66s %6d%n".formatted(kind.description, n)));
        out.append("%n  %-68s %6d%n".formatted("checks", checked));
        out.append("  %-68s %6d%n".formatted("violations", violations.size()));
        violations.stream()
                .limit(50)
                .forEach(v -> out.append("    - ").append(v).append('\n'));
        if (violations.size() > 50) {
            out.append("    ... and ").append(violations.size() - 50).append(" more\n");
        }
        out.append("%nrepeat it: %s%n".formatted(settings.command()));
        out.append(lastLine()).append('\n');
        return out.toString();
    }
}
