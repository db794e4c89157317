package till.infra.chaos;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import till.infra.stack.Stack;

/**
 * {@code ./run chaos [--seed N] [--checkouts N] [--minutes N] [--tills N]}: a throw-away stack with two instances of
 * every service, a chaos run against it, its report, and exit 0 only when no invariant was violated. The data and
 * logs of a run with violations stay for a look; a sound run's are deleted.
 */
public final class ChaosMain {

    private static final String USAGE = "usage: ./run chaos [--seed N] [--checkouts N] [--minutes N] [--tills N]";

    private ChaosMain() {}

    public static void main(String[] args) {
        Settings settings;
        try {
            settings = parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Path root =
                Path.of(System.getProperty("till.root", ".")).toAbsolutePath().normalize();
        Stack.Options options = chaosStack(Stack.Options.throwAway(root));
        Report report;
        try (Stack stack = Stack.start(options, line -> System.out.println("till: " + line))) {
            Runtime.getRuntime().addShutdownHook(new Thread(stack::stop));
            report = ChaosRun.run(stack, settings, line -> System.out.println("chaos: " + line));
        }
        if (report.violations().isEmpty()) {
            Stack.wipe(options.workDir());
        } else {
            System.out.println("till: the run's data and logs stay in " + options.workDir());
        }
        System.out.print(report.text());
        System.exit(report.violations().isEmpty() ? 0 : 1);
    }

    /** Two supervised instances of every service, with the chaos run's smaller pools. */
    public static Stack.Options chaosStack(Stack.Options options) {
        return options.supervised(true).withInstances(2, ChaosRun.SERVICE_ENV);
    }

    static Settings parse(List<String> args) {
        long seed = ThreadLocalRandom.current().nextLong(1, 1_000_000);
        Integer checkouts = null;
        int minutes = 3;
        int tills = Settings.DEFAULT_TILLS;
        for (int i = 0; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(args.get(i) + " needs a value");
            }
            String value = args.get(i + 1);
            try {
                switch (args.get(i)) {
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--checkouts" -> checkouts = Integer.parseInt(value);
                    case "--minutes" -> minutes = Integer.parseInt(value);
                    case "--tills" -> tills = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args.get(i));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(args.get(i) + " needs a whole number, not " + value);
            }
        }
        // One sale a second unless told otherwise.
        return new Settings(seed, checkouts == null ? 60 * minutes : checkouts, minutes, tills);
    }
}
