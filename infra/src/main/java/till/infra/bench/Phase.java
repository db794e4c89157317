package till.infra.bench;

import java.util.Arrays;
import java.util.List;

/**
 * What one system did in one scenario: how many checkouts ended CONFIRMED, REJECTED or in an error, their
 * latencies (sorted, in microseconds), how long they took, and the CPU its processes used meanwhile.
 */
record Phase(
        String scenario,
        String system,
        String clients,
        long[] micros,
        double seconds,
        long confirmed,
        long rejected,
        long failed,
        double cpuCoreMillis) {

    Phase {
        micros = micros.clone();
        Arrays.sort(micros);
    }

    int checkouts() {
        return micros.length;
    }

    /** Nearest-rank percentile, in milliseconds. */
    double percentileMillis(double p) {
        if (micros.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * micros.length);
        return micros[Math.max(0, Math.min(micros.length - 1, rank - 1))] / 1000.0;
    }

    double perSecond() {
        return micros.length / seconds;
    }

    double cpuPerConfirmed() {
        return confirmed == 0 ? Double.NaN : cpuCoreMillis / confirmed;
    }

    /** Phases run one after the other, as one: the first one's names, everything else added up. */
    static Phase sum(List<Phase> parts) {
        Phase first = parts.getFirst();
        return new Phase(
                first.scenario(),
                first.system(),
                first.clients(),
                parts.stream().flatMapToLong(p -> Arrays.stream(p.micros())).toArray(),
                parts.stream().mapToDouble(Phase::seconds).sum(),
                parts.stream().mapToLong(Phase::confirmed).sum(),
                parts.stream().mapToLong(Phase::rejected).sum(),
                parts.stream().mapToLong(Phase::failed).sum(),
                parts.stream().mapToDouble(Phase::cpuCoreMillis).sum());
    }

    Phase withCpu(double coreMillis) {
        return new Phase(scenario, system, clients, micros, seconds, confirmed, rejected, failed, coreMillis);
    }
}
