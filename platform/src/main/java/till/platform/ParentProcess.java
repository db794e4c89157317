package till.platform;

/**
 * The process that started this JVM, when one says so with {@code -Dtill.parent-pid}: the embedded stack passes its
 * pid to every JVM it starts, so that a stack killed without a chance to stop its children leaves none behind.
 */
public final class ParentProcess {

    private ParentProcess() {}

    /**
     * Runs {@code whenGone} once the parent named by {@code till.parent-pid} has exited (at once if it already has);
     * does nothing when the property is not set.
     */
    public static void onExit(Runnable whenGone) {
        String parent = System.getProperty("till.parent-pid");
        if (parent == null || parent.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(parent.trim()))
                .ifPresentOrElse(process -> process.onExit().thenRun(whenGone), whenGone);
    }
}
