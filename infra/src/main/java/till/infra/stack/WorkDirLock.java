package till.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One stack per work directory: held for the stack's life, released by the operating system when its JVM dies,
 * so a crash never leaves it behind. Holding it also means any PostgreSQL still running on the directory is an
 * orphan of a killed stack, safe to stop.
 */
final class WorkDirLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private WorkDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static WorkDirLock acquire(Path workDir) {
        Path file = workDir.resolve("stack.lock");
        try {
            Files.createDirectories(workDir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException(
                        "another stack is running on " + workDir + " (it holds " + file + "); stop it first");
            }
            return new WorkDirLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("could not lock " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not release the stack's lock", e);
        }
    }
}
