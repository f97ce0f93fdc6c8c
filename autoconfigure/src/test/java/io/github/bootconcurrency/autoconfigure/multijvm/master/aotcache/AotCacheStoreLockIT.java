package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.BoundedCommand;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.JarIdentity;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcessOutput;
import io.github.bootconcurrency.autoconfigure.testsupport.Reaper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two masters of the same jar and key, for real: another JVM (this class's {@link #main})
 * holds the key's lock as a master does, and the store opened here neither extracts nor
 * records into the directory, uses the cache once it is there, and keeps the key once
 * that JVM is gone; and an old key that another JVM keeps or uses is not removed as a
 * store opens. The helper JVMs are stood in for, as in {@link AotCacheStoreTests}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AotCacheStoreLockIT {

	private static final AotCacheKey KEY = new AotCacheKey("fedcba9876543210fedcba9876543210");

	@TempDir
	Path base;

	private final List<String> log = new ArrayList<>();

	private final List<List<String>> commands = new ArrayList<>();

	private Process other;

	private AotCacheStore store;

	@AfterEach
	void stop() throws InterruptedException {
		if (this.store != null) {
			this.store.close();
		}
		if (this.other != null) {
			this.other.destroyForcibly();
			if (this.other.waitFor(10, TimeUnit.SECONDS)) {
				Reaper.forget(this.other.toHandle());
			}
		}
	}

	@Test
	void whileAnotherMastersJvmHoldsTheKeyThisOneOnlyUsesItsCacheThenKeepsTheKeyOnceItIsGone() throws Exception {
		Path directory = Files.createDirectory(this.base.resolve(KEY.value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		this.other = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
				System.getProperty("java.class.path"), AotCacheStoreLockIT.class.getName(), directory.toString())
			.redirectErrorStream(true)
			.start();
		Reaper.watch(this.other.toHandle());
		ProcessOutput output = ProcessOutput.of("the other master's JVM", this.other);
		output.await("locked", Duration.ofSeconds(60));

		this.store = AotCacheStore.open(this.base, Path.of("/apps/app.jar"), JarIdentity.of(Path.of("/apps/app.jar")),
				KEY, "java", List.of(), Duration.ofSeconds(60), this.log::add, Runnable::run, this::run);
		this.store.extract();
		assertThat(this.commands).as("no extraction into the other master's directory").isEmpty();
		// The other master's extraction, then its recorder's run.
		Files.createDirectories(directory.resolve("app/lib"));
		Files.writeString(directory.resolve("app/app.jar"), "extracted");
		assertThat(this.store.forWorker(1)).as("the other master records: the jar on disk").isEmpty();
		Files.writeString(directory.resolve("app.aot"), "cache");
		assertThat(this.store.forWorker(2).orElseThrow().jvmArgs())
			.contains("-XX:AOTCache=" + directory.resolve("app.aot"));

		this.other.destroyForcibly();
		assertThat(this.other.waitFor(30, TimeUnit.SECONDS)).isTrue();
		Reaper.forget(this.other.toHandle());
		this.other = null;
		Files.delete(directory.resolve("app.aot"));
		assertThat(this.store.forWorker(3).orElseThrow().jvmArgs()).as("the key kept: this master records")
			.contains("-XX:AOTMode=record");
	}

	@Test
	void anOldKeyAnotherMastersJvmKeepsIsNotRemovedAsAStoreOpens() throws Exception {
		anOldKeyLockedByAnotherJvmIsNotRemovedAsAStoreOpens("keeps");
	}

	@Test
	void anOldKeyWhoseWorkersRunInAnotherMastersJvmIsNotRemovedAsAStoreOpens() throws Exception {
		// Its master stopped keeping it, or never did: its shared lock only.
		anOldKeyLockedByAnotherJvmIsNotRemovedAsAStoreOpens("uses");
	}

	private void anOldKeyLockedByAnotherJvmIsNotRemovedAsAStoreOpens(String how) throws Exception {
		Instant now = Instant.now();
		for (int day = 1; day <= 2; day++) {
			oldKey(("%032x").formatted(day), now.minus(Duration.ofDays(day)));
		}
		Path locked = oldKey(("%032x").formatted(30), now.minus(Duration.ofDays(30)));
		Path unlocked = oldKey(("%032x").formatted(31), now.minus(Duration.ofDays(31)));
		this.other = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
				System.getProperty("java.class.path"), AotCacheStoreLockIT.class.getName(), locked.toString(), how)
			.redirectErrorStream(true)
			.start();
		Reaper.watch(this.other.toHandle());
		ProcessOutput output = ProcessOutput.of("the other master's JVM", this.other);
		output.await("locked", Duration.ofSeconds(60));
		// Its lock file, created now, made it the newest key: its last use is old.
		Files.setLastModifiedTime(locked, FileTime.from(now.minus(Duration.ofDays(30))));
		// A master of another jar build takes its key: all but the 2 newest other keys
		// go, unless a master keeps or uses one.
		this.store = AotCacheStore.open(this.base, Path.of("/apps/app.jar"), JarIdentity.of(Path.of("/apps/app.jar")),
				KEY, "java", List.of(), Duration.ofSeconds(60), this.log::add, Runnable::run, this::run);
		assertThat(unlocked).as("an old key nobody uses").doesNotExist();
		assertThat(locked).as("the other JVM " + how + " it").exists();
		assertThat(locked.resolve("app/lib/a.jar")).exists();
	}

	private Path oldKey(String name, Instant lastUse) throws IOException {
		Path key = Files.createDirectory(this.base.resolve(name),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createDirectories(key.resolve("app/lib"));
		Files.writeString(key.resolve("app/lib/a.jar"), "a");
		Files.writeString(key.resolve("app.aot"), "cache");
		Files.setLastModifiedTime(key, FileTime.from(lastUse));
		return key;
	}

	private BoundedCommand.Result run(List<String> command, Duration timeout) {
		this.commands.add(command);
		return new BoundedCommand.Result(1, "not run");
	}

	/**
	 * The other master: holds the lock of the key directory given until it is killed, the
	 * whole file, or with {@code uses} the shared lock of its second byte, as a master
	 * whose workers run from the key holds it.
	 * @param args the key directory, then {@code keeps} or {@code uses}
	 * @throws Exception if it cannot
	 */
	public static void main(String[] args) throws Exception {
		try (FileChannel channel = FileChannel.open(Path.of(args[0]).resolve(".lock"), StandardOpenOption.CREATE,
				StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			FileLock lock = (args.length > 1 && args[1].equals("uses")) ? channel.tryLock(1, 1, true)
					: channel.tryLock();
			System.out.println((lock != null) ? "locked" : "not locked");
			System.out.flush();
			Thread.sleep(Duration.ofMinutes(5));
		}
	}

}
