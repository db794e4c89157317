package till.infra.demo;

import java.nio.file.Path;
import java.time.Duration;
import till.infra.stack.Stack;
import till.infra.stack.TillService;

/** {@code ./run demo}: start the stack, race 50 cashiers for the last unit, print what happened, stop. */
public final class DemoMain {

    private DemoMain() {}

    public static void main(String[] args) {
        int cashiers = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path root =
                Path.of(System.getProperty("till.root", ".")).toAbsolutePath().normalize();
        // A directory of its own, never .stack/: the demo must not touch the data of ./run stack.
        Stack.Options options = Stack.Options.throwAway(root);
        boolean held;
        try (Stack stack = Stack.start(options, line -> System.out.println("till: " + line));
                TillClient cashier = new TillClient(stack.credentials().cashier());
                TillClient admin = new TillClient(stack.credentials().admin())) {
            Runtime.getRuntime().addShutdownHook(new Thread(stack::stop));
            System.out.println("till: racing " + cashiers + " cashiers for the last unit ...");
            LastItemRace.Result result = new LastItemRace(
                            new Callers(cashier, admin),
                            stack.service(TillService.Name.CHECKOUT).url(),
                            stack.service(TillService.Name.INVENTORY).url(),
                            stack.service(TillService.Name.LEDGER).url())
                    .run(cashiers, Duration.ofSeconds(90));
            System.out.println(result.table());
            held = result.held();
            System.out.println("till: stopping the stack");
        }
        if (held) {
            Stack.wipe(options.workDir());
        } else {
            System.out.println("till: its data and logs stay in " + options.workDir());
        }
        System.exit(held ? 0 : 1);
    }
}
