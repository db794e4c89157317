package till.infra.chaos;

import java.util.List;
import till.infra.stack.Stack;
import till.infra.stack.TillService;

/** The instances' base URLs; {@code i} picks one round-robin, so a retry goes to the next instance. */
record Urls(List<String> checkouts, List<String> inventories, List<String> ledgers) {

    static Urls of(Stack stack) {
        return new Urls(
                urls(stack, TillService.Name.CHECKOUT),
                urls(stack, TillService.Name.INVENTORY),
                urls(stack, TillService.Name.LEDGER));
    }

    private static List<String> urls(Stack stack, TillService.Name name) {
        return stack.instances(name).stream().map(TillService::url).toList();
    }

    String checkout(int i) {
        return checkouts.get(Math.floorMod(i, checkouts.size()));
    }

    String inventory(int i) {
        return inventories.get(Math.floorMod(i, inventories.size()));
    }

    String ledger(int i) {
        return ledgers.get(Math.floorMod(i, ledgers.size()));
    }
}
