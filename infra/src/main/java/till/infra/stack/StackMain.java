package till.infra.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./run stack [--fresh]}: starts everything on the data in {@code .stack/} (what the last run left, or
 * empty with {@code --fresh}), prints where it is, and stops it all on Ctrl-C.
 */
public final class StackMain {

    private StackMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path root =
                Path.of(System.getProperty("till.root", ".")).toAbsolutePath().normalize();
        Stack.Options options = Stack.Options.forPeople(root);
        if (List.of(args).contains("--fresh")) {
            System.out.println("till: --fresh: deleting " + root.relativize(options.workDir())
                    + "/ (every product, customer, sale and log of earlier runs)");
            Stack.wipe(options.workDir());
        } else if (args.length > 0) {
            System.err.println("usage: ./run stack [--fresh]");
            System.exit(2);
        }
        Stack stack = Stack.start(options, line -> System.out.println("till: " + line));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\ntill: stopping the services, Kafka and PostgreSQL ...");
            stack.stop();
            System.out.println("till: stopped; nothing left running");
            stopped.countDown();
        }));
        System.out.println();
        System.out.println("Till is up. Written to " + root.relativize(root.resolve(".stack/env")) + ":");
        // Passwords stay in the file (its owner's only), out of the terminal's scrollback.
        stack.env()
                .forEach(
                        (k, v) -> System.out.println("  " + k + "=" + (k.endsWith("_PASSWORD") ? "(in the file)" : v)));
        System.out.println();
        System.out.println("Try:  curl -s " + stack.env().get("INVENTORY_URL") + "/api/products/espresso");
        System.out.println("      ./run kafka console-consumer --topic inventory.commands --from-beginning");
        System.out.println("Ctrl-C stops everything; the data stays in " + root.relativize(options.workDir())
                + "/ for the next ./run stack (./run stack --fresh starts empty).");
        stopped.await();
    }
}
