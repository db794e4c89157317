package till.infra.stack;

import java.time.Duration;

/** Exits this JVM when the process named by {@code till.parent-pid} is gone. */
final class ParentWatch {

    private ParentWatch() {}

    static void start() {
        String parent = System.getProperty("till.parent-pid");
        if (parent == null) {
            return;
        }
        long pid = Long.parseLong(parent);
        Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(Duration.ofSeconds(1));
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("the stack (pid " + pid + ") is gone; exiting");
            System.exit(0);
        });
    }
}
