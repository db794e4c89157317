package till.infra.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.stream.Stream;

/**
 * CPU time from {@code /proc/<pid>/stat}, in core-milliseconds: what a set of JVMs and one PostgreSQL (its
 * postmaster and every process whose parent it is) have used so far. Two readings around a phase give what the
 * phase cost those processes, on every core, whether or not they were busy on the benchmark's behalf.
 */
final class Cpu {

    /** utime, stime, cutime and cstime count clock ticks of {@code sysconf(_SC_CLK_TCK)}: 100 on Linux. */
    private static final double MILLIS_PER_TICK = 1000.0 / 100;

    private Cpu() {}

    /** The processes whose CPU is one system's: its JVMs and the PostgreSQL it shares with the other. */
    record Processes(Set<Long> jvms, long postmaster) {

        /** Core-milliseconds used so far by these JVMs and by PostgreSQL. */
        double coreMillis() {
            return byProcess().values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
        }

        /**
         * Core-milliseconds used so far by each process, named by {@link #nameOf} (PostgreSQL as one): where a
         * checkout's CPU goes, process by process (ADR 5).
         */
        Map<String, Double> byProcess() {
            Map<String, Double> used = new TreeMap<>();
            for (long pid : jvms) {
                used.merge(nameOf(pid), stat(pid).map(Stat::ownTicks).orElse(0L) * MILLIS_PER_TICK, Double::sum);
            }
            used.put("PostgreSQL", postgresTicks(postmaster) * MILLIS_PER_TICK);
            return used;
        }

        /** PostgreSQL's core-milliseconds so far by kind of process ({@link Cpu#postgresTicksByKind}). */
        Map<String, Double> postgresByKind() {
            Map<String, Double> used = new TreeMap<>();
            postgresTicksByKind(postmaster).forEach((kind, ticks) -> used.put(kind, ticks * MILLIS_PER_TICK));
            return used;
        }

        /**
         * Core-milliseconds the JVMs' JIT compiler threads have used so far: how much of a phase's CPU went to
         * compiling rather than to the work, so whether the phase ran warm code (ADR 5, round 9).
         */
        double jitCoreMillis() {
            return jvms.stream().mapToLong(Cpu::jitTicks).sum() * MILLIS_PER_TICK;
        }
    }

    /**
     * The ticks of a JVM's compiler threads ({@code C1 CompilerThre…}, {@code C2 CompilerThre…}, as the kernel
     * cuts their names). On 2 cores HotSpot runs one of each (CICompilerCount 2) for the JVM's whole life, so the
     * ticks only grow; on more cores a compiler thread that HotSpot stops takes its ticks with it, and the figure
     * is a lower bound. Zero for a JVM that is gone.
     */
    private static long jitTicks(long pid) {
        Path tasks = Path.of("/proc", String.valueOf(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.mapToLong(thread -> {
                        try {
                            String line = Files.readString(thread.resolve("stat"));
                            String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
                            return name.matches("C[12] CompilerThre.*")
                                    ? parse(line).map(Stat::ownTicks).orElse(0L)
                                    : 0L;
                        } catch (IOException exited) {
                            return 0L;
                        }
                    })
                    .sum();
        } catch (NoSuchFileException gone) {
            return 0L;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each JVM's name, read once: a pid keeps its command line, and the CPU is read every half second. */
    private static final Map<Long, String> NAMES = new ConcurrentHashMap<>();

    /** A JVM's name: its exec jar without version ({@code checkout-service}), else its main class's simple name. */
    static String nameOf(long pid) {
        return NAMES.computeIfAbsent(pid, Cpu::readName);
    }

    private static String readName(long pid) {
        List<String> args;
        try {
            // Not ProcessHandle.Info.arguments(): it is empty for a command line as long as the broker's.
            args = List.of(Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"))
                    .split("\0"));
        } catch (IOException gone) {
            return "pid " + pid;
        }
        for (int i = 1; i < args.size(); i++) {
            if (args.get(i - 1).equals("-jar")) {
                String jar = Path.of(args.get(i)).getFileName().toString();
                int version = jar.indexOf("-0.");
                return version > 0 ? jar.substring(0, version) : jar;
            }
        }
        for (String arg : args) {
            if (!arg.startsWith("-") && arg.matches("[\\w.$]+\\.[A-Z][\\w$]*")) {
                return arg.substring(arg.lastIndexOf('.') + 1);
            }
        }
        return "pid " + pid;
    }

    /** The fields of {@code /proc/<pid>/stat} that matter here. */
    private record Stat(long ppid, long utime, long stime, long cutime, long cstime) {

        long ownTicks() {
            return utime + stime;
        }
    }

    /**
     * The postmaster's own ticks and its reaped children's (cutime, cstime: backends and workers that exited),
     * plus every live child's: a backend that exits during a phase moves from one sum to the other.
     */
    private static long postgresTicks(long postmaster) {
        // One kind for every process: no process title is read for a plain total (settle() asks twice a second).
        return postgresTicks(postmaster, pid -> POSTMASTER).getOrDefault(POSTMASTER, 0L);
    }

    /**
     * {@link #postgresTicks} by kind of process, named from each child's process title: a backend by its database
     * ({@code postgres: checkout checkout 127.0.0.1(40412) idle} is "checkout's connections"), every other
     * process by its title without numbers ("walwriter", "io worker"). What exited (autovacuum workers, closed
     * connections) is counted with the postmaster, which reaps it: which database's statements cost PostgreSQL
     * most, and what its own processes add (ADR 5, round 9).
     */
    static Map<String, Long> postgresTicksByKind(long postmaster) {
        return postgresTicks(postmaster, Cpu::postgresKind);
    }

    /** What exited is counted with the postmaster, which reaps it. */
    private static final String POSTMASTER = "postmaster and exited children";

    private static Map<String, Long> postgresTicks(long postmaster, LongFunction<String> kindOfChild) {
        Stat main = stat(postmaster)
                .orElseThrow(() -> new IllegalStateException("PostgreSQL's postmaster " + postmaster + " is gone"));
        Map<String, Long> ticks = new TreeMap<>();
        ticks.put(POSTMASTER, main.ownTicks() + main.cutime() + main.cstime());
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            List<Long> pids = processes
                    .map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .toList();
            for (long pid : pids) {
                stat(pid)
                        .filter(s -> s.ppid() == postmaster)
                        .ifPresent(child -> ticks.merge(kindOfChild.apply(pid), child.ownTicks(), Long::sum));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ticks;
    }

    private static String postgresKind(long pid) {
        try {
            return postgresKind(Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"))
                    .replace('\0', ' ')
                    .strip());
        } catch (IOException gone) {
            return POSTMASTER;
        }
    }

    /** A PostgreSQL process's kind from its title (see {@link #postgresTicksByKind}). */
    static String postgresKind(String title) {
        String what = title.startsWith("postgres: ") ? title.substring("postgres: ".length()) : title;
        String[] words = what.split(" ");
        // A backend's title: user, database, client address(port), state.
        if (words.length >= 3 && words[2].contains("(")) {
            return words[1] + "'s connections";
        }
        return what.replaceAll("[0-9]", "").strip();
    }

    /** Empty when the process is gone. The command name may hold spaces and parentheses: fields follow the last ')'. */
    private static Optional<Stat> stat(long pid) {
        String line;
        try {
            line = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // A process that exits while it is read answers ESRCH: it is gone.
            if (!Files.exists(Path.of("/proc", String.valueOf(pid)))) {
                return Optional.empty();
            }
            throw new UncheckedIOException(e);
        }
        return parse(line);
    }

    private static Optional<Stat> parse(String line) {
        // From field 3 (state) on: ppid is field 4, utime 14, stime 15, cutime 16, cstime 17 (proc(5)).
        String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Optional.of(new Stat(
                Long.parseLong(f[1]),
                Long.parseLong(f[11]),
                Long.parseLong(f[12]),
                Long.parseLong(f[13]),
                Long.parseLong(f[14])));
    }
}
