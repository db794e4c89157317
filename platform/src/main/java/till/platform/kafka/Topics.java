package till.platform.kafka;

import java.util.List;

/** Till's topics, as the SPEC names them. Each has a dead-letter twin named {@code <topic>.DLT}. */
public final class Topics {

    public static final String INVENTORY_COMMANDS = "inventory.commands";
    public static final String LEDGER_COMMANDS = "ledger.commands";
    public static final String CHECKOUT_REPLIES = "checkout.replies";
    public static final String INVENTORY_EVENTS = "inventory.events";
    /** Products' prices, apart from the stock facts so that their one consumer reads nothing else (ADR 14). */
    public static final String INVENTORY_PRICES = "inventory.prices";

    public static final String LEDGER_EVENTS = "ledger.events";
    public static final String CHECKOUT_EVENTS = "checkout.events";

    /**
     * Topics that services consume, and so need a dead-letter topic. checkout-service reads {@code inventory.prices}
     * for the prices it quotes (ADR 10, ADR 14).
     */
    public static final List<String> CONSUMED =
            List.of(INVENTORY_COMMANDS, LEDGER_COMMANDS, CHECKOUT_REPLIES, INVENTORY_PRICES);

    public static final List<String> ALL = List.of(
            INVENTORY_COMMANDS,
            LEDGER_COMMANDS,
            CHECKOUT_REPLIES,
            INVENTORY_EVENTS,
            INVENTORY_PRICES,
            LEDGER_EVENTS,
            CHECKOUT_EVENTS,
            deadLetter(INVENTORY_COMMANDS),
            deadLetter(LEDGER_COMMANDS),
            deadLetter(CHECKOUT_REPLIES),
            deadLetter(INVENTORY_PRICES));

    private Topics() {}

    public static String deadLetter(String topic) {
        return topic + ".DLT";
    }
}
