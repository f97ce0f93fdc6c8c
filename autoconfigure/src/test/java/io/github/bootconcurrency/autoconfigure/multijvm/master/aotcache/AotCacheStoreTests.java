package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.AotCacheDirectory;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.BoundedCommand;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.JarIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link AotCacheStore} on the real file system, without a JVM: the commands
 * that run one (the extraction, the creation) are stood in for by a runner that leaves
 * what they leave, or fails as they fail; {@code AotCacheIT} (sample-app) runs the real
 * ones. The creation handed to the executor is kept, not run, unless a test runs it.
 */
class AotCacheStoreTests {

	private static final AotCacheKey KEY = new AotCacheKey("0123456789abcdef0123456789abcdef");

	@TempDir
	Path base;

	private final List<String> log = new ArrayList<>();

	private final List<Runnable> creations = new ArrayList<>();

	/** The commands run, argument files expanded as the launcher does. */
	private final List<List<String>> commands = new ArrayList<>();

	/** The command lines as {@code ps} shows them. */
	private final List<List<String>> commandLines = new ArrayList<>();

	private Executor executor = this.creations::add;

	private int exitCode;

	private Step beforeExtraction = () -> {
	};

	private final List<AotCacheStore> opened = new ArrayList<>();

	@AfterEach
	void closeTheStores() {
		// Each holds its key's lock, as a master does until it stops.
		this.opened.forEach(AotCacheStore::close);
	}

	/**
	 * What happens as a command runs.
	 */
	interface Step {

		void run() throws IOException;

	}

	@Test
	void itsDirectoryIsCreatedPrivate() throws IOException {
		AotCacheStore store = open();
		assertThat(store.directory()).isEqualTo(this.base.resolve(KEY.value()));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory())))
			.isEqualTo("rwx------");
	}

	@Test
	void aDirectoryThereThatOthersCanEnterIsRefused() throws IOException {
		Files.createDirectory(this.base.resolve(KEY.value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
		Files.setPosixFilePermissions(this.base.resolve(KEY.value()), PosixFilePermissions.fromString("rwxr-xr-x"));
		assertThatIOException().isThrownBy(this::open)
			.withMessageContaining("has permissions rwxr-xr-x, wider than rwx------");
	}

	@Test
	void aLinkInPlaceOfTheDirectoryIsRefusedEvenToAPrivateDirectory() throws IOException {
		Path elsewhere = Files.createDirectory(this.base.resolve("elsewhere"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createSymbolicLink(this.base.resolve(KEY.value()), elsewhere);
		assertThatIOException().isThrownBy(this::open).withMessageContaining("is a link or a file");
		assertThat(elsewhere).isEmptyDirectory();
	}

	@Test
	void aFileInPlaceOfTheDirectoryIsRefused() throws IOException {
		Files.writeString(this.base.resolve(KEY.value()), "not a directory");
		assertThatIOException().isThrownBy(this::open).withMessageContaining("is a link or a file");
	}

	@Test
	void anotherUsersDirectoryIsRefused() throws IOException {
		assumeThat(System.getProperty("user.name")).as("only root can give a directory away").isEqualTo("root");
		Path directory = Files.createDirectory(this.base.resolve(KEY.value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		UserPrincipal nobody = directory.getFileSystem()
			.getUserPrincipalLookupService()
			.lookupPrincipalByName("nobody");
		Files.setOwner(directory, nobody);
		assertThatIOException().isThrownBy(this::open).withMessageContaining("belongs to nobody");
	}

	@Test
	void beforeTheExtractionWorkersStartFromTheJarAsItIs() throws IOException {
		AotCacheStore store = open();
		assertThat(store.phase()).isEqualTo(AotCachePhase.NONE);
		assertThat(store.forWorker(1)).isEmpty();
	}

	@Test
	void anExtractionMissingAClassPathJarIsReplacedByANewOneAndTheNextWorkerRecords() throws IOException {
		// A /tmp cleaner aged out one of its jars: the master finds the key not
		// extracted.
		Path directory = Files.createDirectory(this.base.resolve(KEY.value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createDirectories(directory.resolve("app/lib"));
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/aged-out.jar");
		try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(directory.resolve("app/app.jar")),
				manifest)) {
			// The manifest only.
		}
		AotCacheStore store = open();
		assertThat(store.phase()).isEqualTo(AotCachePhase.NONE);
		store.extract();
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		assertThat(store.forWorker(1)).as("the new extraction, not the broken one, recorded")
			.hasValueSatisfying((start) -> assertThat(start.jvmArgs()).contains("-XX:AOTMode=record"));
		assertThat(directory.resolve("app/app.jar")).hasContent("extracted");
	}

	@Test
	void theFirstWorkerAfterTheExtractionRecordsAndTheOthersStartWithoutACache() throws IOException {
		AotCacheStore store = extracted();
		WorkerStart recorder = store.forWorker(1).orElseThrow();
		assertThat(recorder.jar()).isEqualTo(store.directory().resolve("app/app.jar"));
		assertThat(recorder.jvmArgs()).containsExactly("-XX:AOTMode=record",
				"-XX:AOTConfiguration=" + store.directory().resolve(recording(1)), "-Xlog:aot*=error");
		assertThat(store.phase()).isEqualTo(AotCachePhase.RECORDING);
		assertThat(store.forWorker(2)).as("no cache: the jar on disk, not the extracted copy").isEmpty();
		assertThat(this.log).containsExactly("AOT cache: worker 1 records it, written as it exits");
	}

	@Test
	void aRecorderThatServedNoRequestIsNotMadeACacheAndTheNextWorkerRecords() throws IOException {
		AotCacheStore store = extracted();
		store.forWorker(1);
		Files.writeString(store.directory().resolve(recording(1)), "recorded at boot only");
		store.onWorkerExited(1, 0, true, false);
		assertThat(this.creations).isEmpty();
		assertThat(store.directory().resolve(recording(1))).doesNotExist();
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		assertThat(this.log)
			.contains("AOT cache: worker 1 exited before serving a request: the next worker records it");
		assertThat(store.forWorker(2).orElseThrow().jvmArgs()).contains("-XX:AOTMode=record");
	}

	@Test
	void aRecorderKilledBeforeWritingItsRecordingLetsTheNextWorkerRecord() throws IOException {
		AotCacheStore store = extracted();
		store.forWorker(1);
		store.onWorkerExited(1, 500, true, false);
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		assertThat(this.log)
			.contains("AOT cache: worker 1 exited without writing its recording: the next worker " + "records it");
	}

	@Test
	void aRecorderThatServedTrafficHasItsRecordingMadeIntoTheCacheOffTheCallersThread() throws IOException {
		AotCacheStore store = extracted();
		store.forWorker(1);
		store.forWorker(2);
		Files.writeString(store.directory().resolve(recording(1)), "recorded");
		store.onWorkerExited(2, 500, true, false);
		assertThat(this.creations).isEmpty();
		store.onWorkerExited(1, 500, true, false);
		assertThat(store.phase()).isEqualTo(AotCachePhase.CREATING);
		assertThat(this.creations).hasSize(1);
		assertThat(store.forWorker(3)).isEmpty();
	}

	@Test
	void theExtractionIsMovedIntoPlaceWholeAndTheNextWorkerRecords() throws IOException {
		AotCacheStore store = open();
		store.extract();
		assertThat(this.commands).singleElement()
			.satisfies((command) -> assertThat(command).startsWith("java", "-XX:ActiveProcessorCount=1",
					"-XX:TieredStopAtLevel=1", "-Djarmode=tools", "-jar", "/apps/app.jar", "extract", "--destination"));
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		assertThat(store.jarToRun()).isRegularFile();
		try (var files = Files.list(store.directory())) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactlyInAnyOrder("app", ".lock");
		}
		assertThat(this.log).singleElement().asString().startsWith("AOT cache: extracted the application into");
		store.extract();
		assertThat(this.commands).hasSize(1);
	}

	@Test
	void theHelperJvmsRunWithOneProcessorAndC1AndAreNotNiced() throws IOException {
		this.executor = Runnable::run;
		AotCacheStore store = open();
		store.extract();
		store.forWorker(1);
		Files.writeString(store.directory().resolve(recording(1)), "recorded");
		store.onWorkerExited(1, 500, true, false);
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		assertThat(this.commands).hasSize(2)
			.allSatisfy(
					(command) -> assertThat(command).contains("-XX:ActiveProcessorCount=1", "-XX:TieredStopAtLevel=1"));
		assertThat(this.commandLines).as("the extraction and the creation, each the JVM itself")
			.hasSize(2)
			.allSatisfy((line) -> assertThat(line.get(0)).isEqualTo("java"));
	}

	@Test
	void aFailedExtractionTurnsTheCacheOffAndWorkersStartFromTheJarAsItIs() throws IOException {
		this.exitCode = 1;
		AotCacheStore store = open();
		store.extract();
		assertThat(store.phase()).isEqualTo(AotCachePhase.OFF);
		assertThat(store.forWorker(1)).isEmpty();
		assertThat(this.log).singleElement()
			.asString()
			.startsWith("AOT cache: off for this master: the application could not be extracted (the extraction "
					+ "ended with status 1:\nError: something the JVM said)");
		try (var files = Files.list(store.directory())) {
			assertThat(files.map((file) -> file.getFileName().toString())).as("its lock only").containsExactly(".lock");
		}
	}

	@Test
	void aCreatedCacheIsMovedIntoPlaceAndTheRecordingDeleted() throws IOException {
		this.executor = Runnable::run;
		AotCacheStore store = extracted();
		store.forWorker(1);
		Files.writeString(store.directory().resolve(recording(1)), "recorded");
		store.onWorkerExited(1, 500, true, false);
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		assertThat(store.directory().resolve("app.aot")).hasContent("cache");
		assertThat(store.directory().resolve(recording(1))).doesNotExist();
		assertThat(store.directory().resolve("app.aot.creating")).doesNotExist();
		assertThat(this.log).last().asString().startsWith("AOT cache: ready (0 MB, created in ");
	}

	@Test
	void aFailedCreationIsLoggedAndTheNextWorkerRecordsAgain() throws IOException {
		this.executor = Runnable::run;
		AotCacheStore store = extracted();
		store.forWorker(1);
		Files.writeString(store.directory().resolve(recording(1)), "recorded");
		this.exitCode = 1;
		store.onWorkerExited(1, 500, true, false);
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		assertThat(store.directory().resolve(recording(1))).doesNotExist();
		assertThat(this.log).last()
			.asString()
			.isEqualTo("AOT cache: could not be created (the JVM ended with status 1:\nError: something the JVM "
					+ "said): the next worker records it again");
	}

	@Test
	void aReadyCacheIsGivenToEveryLaterWorkerVerified() throws IOException {
		AotCacheStore store = ready();
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		assertThat(store.forWorker(1).orElseThrow()).isEqualTo(new WorkerStart(store.jarToRun(),
				List.of("-XX:AOTCache=" + store.directory().resolve("app.aot"), "-XX:+VerifySharedSpaces")));
	}

	@Test
	void aRefusedCacheIsDeletedLoggedOnceAndRecordedAgain() throws IOException {
		AotCacheStore store = ready();
		store.forWorker(1);
		store.forWorker(2);
		store.refused(1, "The AOT cache has been truncated.");
		store.refused(2, "The AOT cache has been truncated.");
		assertThat(store.directory().resolve("app.aot")).doesNotExist();
		assertThat(this.log).containsExactly("AOT cache refused by worker 1's JVM (The AOT cache has been "
				+ "truncated.): deleted; the next worker records it again");
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		assertThat(store.forWorker(3).orElseThrow().jvmArgs()).contains("-XX:AOTMode=record");
	}

	@Test
	void aRecorderNeverStartedLeavesTheRecordingToTheNextWorkerWithoutAFailure() throws IOException {
		AotCacheStore store = extracted();
		store.forWorker(1);
		store.launchFailed(1);
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		assertThat(store.forWorker(2).orElseThrow().jvmArgs()).contains("-XX:AOTMode=record");
	}

	@Test
	void aWorkerGivenTheCacheButNeverStartedIsForgotten() throws IOException {
		AotCacheStore store = ready();
		store.forWorker(1);
		store.launchFailed(1);
		store.refused(1, "Checksum verification failed.");
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		assertThat(this.log).isEmpty();
	}

	@Test
	void twoWorkersStartedWithTheCacheThatExitBeforeReadyAndWhoseRetriesBootTurnItOffAndWorkersRunTheJarOnDisk()
			throws IOException {
		AotCacheStore store = ready();
		store.forWorker(1);
		store.forWorker(2);
		store.forWorker(3);
		store.onWorkerExited(3, 10, true, false);
		store.onWorkerExited(1, 0, false, false);
		store.onWorkerExited(2, 0, false, false);
		assertThat(store.phase()).as("counted once their retries boot").isEqualTo(AotCachePhase.READY);
		assertThat(this.log).as("the master's line about each failure says what comes next").isEmpty();
		store.retried(1, true);
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		assertThat(this.log).last()
			.isEqualTo("AOT cache: worker 1, started with it, exited before it was ready, and its retry without the "
					+ "cache booted; at 2 such failures in a row it is turned off");
		store.retried(2, true);
		assertThat(store.phase()).isEqualTo(AotCachePhase.OFF);
		assertThat(store.forWorker(4)).isEmpty();
		assertThat(this.log).last()
			.isEqualTo("AOT cache: off for this master: worker 2, started with it, exited before it was ready, and "
					+ "its retry without the cache booted (2 such failures in a row); workers start without it");
	}

	@Test
	void aRetryThatBootsOnceTheCacheIsOffForAnotherReasonIsNeitherCountedNorLogged() throws IOException {
		AotCacheStore store = ready();
		store.forWorker(10);
		store.onWorkerExited(10, 0, false, false);
		for (int worker = 1; worker <= AotCacheFailures.MAX_FAILURES; worker++) {
			setReady(store, 100 + worker);
			store.forWorker(worker);
			store.refused(worker, "Checksum verification failed.");
		}
		assertThat(store.phase()).isEqualTo(AotCachePhase.OFF);
		store.retried(10, true);
		assertThat(this.log).last().asString().startsWith("AOT cache: off for this master: worker 3's JVM refused it");
	}

	@Test
	void retriesThatBootOnceTheStoreIsClosedAreNeitherCountedNorLogged() throws IOException {
		AotCacheStore store = ready();
		store.forWorker(1);
		store.forWorker(2);
		store.onWorkerExited(1, 0, false, false);
		store.onWorkerExited(2, 0, false, false);
		store.close();
		store.retried(1, true);
		store.retried(2, true);
		assertThat(this.log).isEmpty();
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
	}

	@Test
	void workersThatFailToBootWithTheCacheAtOnceAndWhoseRetriesFailTooLeaveItOn() throws IOException {
		// A database down in a crash storm: every worker fails, with the cache or not.
		AotCacheStore store = ready();
		for (int worker = 1; worker <= AotCacheFailures.MAX_BOOT_FAILURES + 1; worker++) {
			store.forWorker(worker);
		}
		for (int worker = 1; worker <= AotCacheFailures.MAX_BOOT_FAILURES + 1; worker++) {
			store.onWorkerExited(worker, 0, false, false);
		}
		for (int worker = 1; worker <= AotCacheFailures.MAX_BOOT_FAILURES + 1; worker++) {
			store.retried(worker, false);
		}
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		store.retried(1, true);
		assertThat(store.phase()).as("a verdict comes once").isEqualTo(AotCachePhase.READY);
		assertThat(this.log).noneMatch((line) -> line.contains("retry without the cache booted"));
		assertThat(store.forWorker(9)).isPresent();
	}

	@Test
	void workersTheMasterRetiredBeforeTheyWereReadyAreNoBootFailuresOfTheCache() throws IOException {
		// A TTIN then a TTOU, a reload abandoned, a TERM: the master stopped them.
		AotCacheStore store = ready();
		for (int worker = 1; worker <= AotCacheFailures.MAX_BOOT_FAILURES + 1; worker++) {
			assertThat(store.forWorker(worker)).isPresent();
			store.onWorkerExited(worker, 0, false, true);
		}
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		assertThat(this.log).isEmpty();
		assertThat(store.forWorker(9)).isPresent();
	}

	@Test
	void aRecorderTheMasterRetiredBeforeItWasReadyLeavesTheRecordingToTheNextWorker() throws IOException {
		AotCacheStore store = extracted();
		for (int worker = 1; worker <= AotCacheFailures.MAX_BOOT_FAILURES; worker++) {
			assertThat(store.forWorker(worker).orElseThrow().jvmArgs()).contains("-XX:AOTMode=record");
			store.onWorkerExited(worker, 0, false, true);
			assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		}
		assertThat(this.log).noneMatch((line) -> line.contains("exited before it was ready"));
	}

	@Test
	void bootFailuresOfTheCacheTurnItOffOnlyInARowAWorkerReadyWithItInBetween() throws IOException {
		AotCacheStore store = ready();
		failToBoot(store, 1, true);
		store.forWorker(2);
		store.onWorkerReady(2);
		failToBoot(store, 3, true);
		assertThat(store.phase()).as("1 in a row").isEqualTo(AotCachePhase.READY);
		failToBoot(store, 4, true);
		assertThat(store.phase()).as("2 in a row").isEqualTo(AotCachePhase.OFF);
	}

	@Test
	void aWorkerReadyWithTheCacheDropsTheBootFailuresWaitingForTheirRetry() throws IOException {
		AotCacheStore store = ready();
		for (int worker = 1; worker <= AotCacheFailures.MAX_BOOT_FAILURES; worker++) {
			store.forWorker(worker);
			store.onWorkerExited(worker, 0, false, false);
		}
		store.forWorker(3);
		store.onWorkerReady(3);
		for (int worker = 1; worker <= AotCacheFailures.MAX_BOOT_FAILURES; worker++) {
			store.retried(worker, true);
		}
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		assertThat(this.log).noneMatch((line) -> line.contains("retry without the cache booted"));
	}

	@Test
	void aBootFailureWhoseRetryFailsTooIsNeverCounted() throws IOException {
		// Its retry without the cache failed too: the application fails, not the cache.
		AotCacheStore store = ready();
		failToBoot(store, 1, false);
		store.retried(1, true);
		store.retried(9, true);
		failToBoot(store, 3, true);
		assertThat(store.phase()).as("1 in a row").isEqualTo(AotCachePhase.READY);
		failToBoot(store, 4, true);
		assertThat(store.phase()).isEqualTo(AotCachePhase.OFF);
	}

	@Test
	void aWorkerThatRefusedTheCacheDoesNotEndTheRowOfBootFailuresAsItBecomesReady() throws IOException {
		AotCacheStore store = ready();
		failToBoot(store, 1, true);
		store.forWorker(2);
		store.refused(2, "Checksum verification failed.");
		store.onWorkerReady(2);
		setReady(store, 3);
		failToBoot(store, 4, true);
		assertThat(store.phase()).isEqualTo(AotCachePhase.OFF);
	}

	@Test
	void twoRecordersThatExitBeforeReadyAndWhoseRetriesBootTurnItOff() throws IOException {
		AotCacheStore store = extracted();
		store.forWorker(1);
		store.onWorkerExited(1, 0, false, false);
		assertThat(store.phase()).as("the next worker records").isEqualTo(AotCachePhase.EXTRACTED);
		store.retried(1, true);
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		store.forWorker(2);
		store.onWorkerExited(2, 0, false, false);
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		store.retried(2, true);
		assertThat(store.phase()).isEqualTo(AotCachePhase.OFF);
		assertThat(store.forWorker(3)).isEmpty();
	}

	@Test
	void recordersThatLeaveNoRecordingCountAsFailures() throws IOException {
		AotCacheStore store = extracted();
		for (int worker = 1; worker <= AotCacheFailures.MAX_FAILURES; worker++) {
			store.forWorker(worker);
			store.onWorkerExited(worker, 500, true, false);
		}
		assertThat(store.phase()).isEqualTo(AotCachePhase.OFF);
		assertThat(this.log).last()
			.asString()
			.startsWith("AOT cache: off for this master: worker 3 exited without writing its recording");
	}

	@Test
	void aClosedStoreStartsNoCreationSoNoneRunsDuringTheShutdown() throws IOException {
		AotCacheStore store = extracted();
		store.forWorker(1);
		store.forWorker(2);
		Files.writeString(store.directory().resolve(recording(1)), "recorded");
		store.onWorkerExited(1, 500, true, false);
		store.forWorker(3);
		Files.writeString(store.directory().resolve(recording(3)), "recorded");
		store.close();
		store.onWorkerExited(3, 500, true, false);
		this.creations.forEach(Runnable::run);
		assertThat(this.commands).as("the creation queued before the close does not run either").isEmpty();
		assertThat(store.forWorker(4)).isEmpty();
	}

	@Test
	void closingTheStoreStopsTheHelperItRuns() throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		List<Thread> helpers = new ArrayList<>();
		this.executor = (task) -> helpers.add(Thread.ofVirtual().start(task));
		BoundedCommand.Runner hanging = (command, timeout) -> {
			running.countDown();
			try {
				// As BoundedCommand waits for its process, which it destroys when
				// interrupted.
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				throw new IOException("Interrupted while waiting for a command", ex);
			}
			return new BoundedCommand.Result(0, "");
		};
		AotCacheStore extracted = extracted();
		Path directory = extracted.directory();
		// Stopped: the store below keeps the key.
		extracted.close();
		AotCacheStore store = AotCacheStore.open(this.base, Path.of("/apps/app.jar"),
				JarIdentity.of(Path.of("/apps/app.jar")), KEY, "java", List.of(), Duration.ofSeconds(60), this.log::add,
				(task) -> this.executor.execute(task), hanging);
		this.opened.add(store);
		store.forWorker(1);
		Files.writeString(directory.resolve(recording(1)), "recorded");
		store.onWorkerExited(1, 500, true, false);
		assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
		store.close();
		helpers.get(0).join(Duration.ofSeconds(30));
		assertThat(helpers.get(0).isAlive()).as("the helper's wait interrupted").isFalse();
	}

	@Test
	void theCacheIsCreatedUnderANameOfThisMasterAndThisMoment() throws IOException {
		this.executor = Runnable::run;
		AotCacheStore store = extracted();
		store.forWorker(1);
		Files.writeString(store.directory().resolve(recording(1)), "recorded");
		store.onWorkerExited(1, 500, true, false);
		assertThat(this.commands).singleElement()
			.satisfies((command) -> assertThat(command).anyMatch((argument) -> argument
				.matches("-XX:AOTCache=.*/app\\.aot\\.creating-" + ProcessHandle.current().pid() + "-[0-9]+")));
	}

	@Test
	void aRefusalFromAWorkerNotGivenTheCacheChangesNothing() throws IOException {
		AotCacheStore store = ready();
		store.refused(7, "Checksum verification failed.");
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		assertThat(this.log).isEmpty();
	}

	@Test
	void afterThreeFailuresTheMasterStopsTryingAndSaysWhy() throws IOException {
		AotCacheStore store = ready();
		for (int worker = 1; worker <= AotCacheFailures.MAX_FAILURES; worker++) {
			setReady(store, 100 + worker);
			store.forWorker(worker);
			store.refused(worker, "Checksum verification failed.");
		}
		assertThat(store.phase()).isEqualTo(AotCachePhase.OFF);
		assertThat(this.log).last()
			.asString()
			.isEqualTo("AOT cache: off for this master: worker 3's JVM refused it (Checksum verification failed.), "
					+ "the 3th failure; workers start without it");
		assertThat(store.forWorker(4)).as("off: the jar on disk, not the extracted copy").isEmpty();
	}

	@Test
	void aJarReplacedOnDiskGivesNoStartSoWorkersRunTheNewJar() throws IOException {
		Path jar = Files.writeString(this.base.resolve("app.jar"), "version 1");
		Path directory = Files.createDirectory(this.base.resolve(KEY.value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createDirectories(directory.resolve("app/lib"));
		Files.writeString(directory.resolve("app/app.jar"), "extracted");
		Files.writeString(directory.resolve("app.aot"), "cache");
		AotCacheStore store = AotCacheStore.open(this.base, jar, JarIdentity.of(jar), KEY, "java", List.of(),
				Duration.ofSeconds(60), this.log::add, this.creations::add, this::run);
		this.opened.add(store);
		assertThat(store.forWorker(1)).isPresent();
		assertThat(store.jarChanged()).isFalse();
		// As a deployment does: a new jar written aside, renamed over the old one.
		Path next = Files.writeString(this.base.resolve("app.jar.new"), "version 2");
		Files.move(next, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
				java.nio.file.StandardCopyOption.ATOMIC_MOVE);
		assertThat(store.forWorker(2)).as("the new jar on disk, as a plain HUP runs it").isEmpty();
		assertThat(store.jarChanged()).isTrue();
		assertThat(AotCacheDirectory.tryLock(directory)).as("in use: worker 1 runs from it").isNull();
		store.onWorkerExited(1, 10, true, true);
		java.nio.channels.FileChannel lock = AotCacheDirectory.tryLock(directory);
		assertThat(lock).as("the key left to a store of the jar, should it come back").isNotNull();
		AotCacheDirectory.unlock(lock);
	}

	@Test
	void aSecondMasterOfTheSameKeyNeitherExtractsNorRecordsButUsesTheCacheOnceReady() throws IOException {
		AotCacheStore first = open();
		AotCacheStore second = open();
		second.extract();
		assertThat(this.commands).as("the second master extracts nothing").isEmpty();
		assertThat(this.log).singleElement()
			.asString()
			.startsWith("AOT cache: another master keeps " + first.directory());
		first.extract();
		assertThat(first.forWorker(1).orElseThrow().jvmArgs()).contains("-XX:AOTMode=record");
		assertThat(second.forWorker(1)).as("the first master records: the jar on disk").isEmpty();
		Files.writeString(first.directory().resolve(recording(1)), "recorded");
		this.executor = Runnable::run;
		first.onWorkerExited(1, 500, true, false);
		assertThat(first.phase()).isEqualTo(AotCachePhase.READY);
		assertThat(second.forWorker(2).orElseThrow()).isEqualTo(new WorkerStart(second.jarToRun(),
				List.of("-XX:AOTCache=" + second.directory().resolve("app.aot"), "-XX:+VerifySharedSpaces")));
		assertThat(this.commands).as("the first master's extraction and creation only").hasSize(2);
	}

	@Test
	void aRefusalInTheSecondMasterLeavesTheCacheToTheMasterThatKeepsIt() throws IOException {
		AotCacheStore first = ready();
		AotCacheStore second = open();
		second.forWorker(1);
		second.refused(1, "Checksum verification failed.");
		assertThat(first.directory().resolve("app.aot")).as("the first master's workers map it").exists();
		assertThat(second.forWorker(2)).as("not the cache it refused").isEmpty();
		assertThat(first.forWorker(1)).isPresent();
	}

	@Test
	void aMasterThatStopsLeavesTheKeyToTheOtherWhichRecords() throws IOException {
		AotCacheStore first = extracted();
		AotCacheStore second = open();
		assertThat(second.forWorker(1)).isEmpty();
		first.close();
		assertThat(second.forWorker(2).orElseThrow().jvmArgs()).contains("-XX:AOTMode=record");
	}

	@Test
	void anExtractionFoundInPlaceAsItsOwnIsMovedIsTakenOnceItsJarIsThere() throws IOException {
		AotCacheStore store = open();
		this.beforeExtraction = () -> {
			// Another master's extraction of the same jar, there first.
			Files.createDirectories(store.directory().resolve("app/lib"));
			Files.writeString(store.jarToRun(), "extracted");
		};
		store.extract();
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		try (var files = Files.list(store.directory())) {
			assertThat(files.map((file) -> file.getFileName().toString())).as("its own extraction deleted")
				.noneMatch((name) -> name.startsWith("app.extracting-"));
		}
	}

	@Test
	void theMasterThatTakesTheKeyDeletesWhatAKilledMasterLeftHalfDone() throws IOException {
		Path directory = extracted().directory();
		this.opened.forEach(AotCacheStore::close);
		List<String> stale = List.of("app.extracting-41-1", "app.aot.creating-41-2", "app.aot.creating",
				"recording-41-1.aotconf", "recording-3.aotconf", "create-41-3.args");
		leave(directory, stale);
		AotCacheStore store = open();
		try (var files = Files.list(directory)) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactlyInAnyOrder("app", ".lock");
		}
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
	}

	@Test
	void aMasterThatTakesTheKeyOverCleansUpOnTheStoresExecutorNotOnTheLoop() throws IOException {
		AotCacheStore first = extracted();
		Path directory = first.directory();
		AotCacheStore second = open();
		// After the first master's own cleanup, as it opened the key.
		List<Path> others = otherKeys(3);
		first.close();
		List<String> stale = List.of("app.extracting-41-1", "app.aot.creating-41-2", "recording-41-1.aotconf");
		leave(directory, stale);
		assertThat(this.creations).isEmpty();
		assertThat(second.forWorker(1).orElseThrow().jvmArgs()).as("taken over: it records")
			.contains("-XX:AOTMode=record");
		try (var files = Files.list(directory)) {
			assertThat(files.map((file) -> file.getFileName().toString())).as("not deleted on the caller's thread")
				.containsAll(stale);
		}
		assertThat(others.get(2)).as("nor the oldest other key").exists();
		// Its recorder's recording, written before the queued cleanup runs: not stale.
		Path recording = Files.writeString(directory.resolve(recording(1)), "recorded");
		Files.setLastModifiedTime(recording, FileTime.from(Instant.now().plusSeconds(60)));
		assertThat(this.creations).hasSize(1);
		this.creations.forEach(Runnable::run);
		try (var files = Files.list(directory)) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactlyInAnyOrder("app", ".lock",
					recording(1));
		}
		assertThat(others.get(0)).exists();
		assertThat(others.get(1)).exists();
		assertThat(others.get(2)).doesNotExist();
	}

	/**
	 * Directories of other keys, the first the newest, each a day older than the one
	 * before.
	 */
	private List<Path> otherKeys(int count) throws IOException {
		Instant now = Instant.now();
		List<Path> others = new ArrayList<>();
		for (int day = 1; day <= count; day++) {
			Path other = Files.createDirectory(this.base.resolve(("%032x").formatted(day)),
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			Files.createDirectories(other.resolve("app/lib"));
			Files.writeString(other.resolve("app.aot"), "cache");
			Files.setLastModifiedTime(other, FileTime.from(now.minus(Duration.ofDays(day))));
			others.add(other);
		}
		return others;
	}

	@Test
	void aMasterWithoutTheKeyDeletesNothingSinceTheHolderWritesThem() throws IOException {
		Path directory = extracted().directory();
		List<String> holders = List.of("app.extracting-41-1", "app.aot.creating-41-2", "recording-41-1.aotconf");
		leave(directory, holders);
		open();
		try (var files = Files.list(directory)) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsAll(holders);
		}
	}

	private static void leave(Path directory, List<String> names) throws IOException {
		for (String name : names) {
			if (name.startsWith("app.extracting-")) {
				Files.createDirectories(directory.resolve(name).resolve("lib"));
				Files.writeString(directory.resolve(name).resolve("lib/half.jar"), "half");
			}
			else {
				Files.writeString(directory.resolve(name), "half");
			}
		}
	}

	@Test
	void theMasterThatTakesTheKeyRemovesAllButTheTwoNewestOtherKeysNotLocked() throws IOException {
		Instant now = Instant.now();
		List<Path> others = new ArrayList<>();
		for (int day = 1; day <= 5; day++) {
			Path other = Files.createDirectory(this.base.resolve(("%032x").formatted(day)),
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			Files.createDirectories(other.resolve("app/lib"));
			Files.writeString(other.resolve("app.aot"), "cache");
			Files.setLastModifiedTime(other, FileTime.from(now.minus(Duration.ofDays(day))));
			others.add(other);
		}
		Path notAKey = Files.createDirectory(this.base.resolve("notes"));
		// The oldest, held by a master that runs: never removed.
		java.nio.channels.FileChannel held = AotCacheDirectory.tryLock(others.get(4));
		Files.setLastModifiedTime(others.get(4), FileTime.from(now.minus(Duration.ofDays(5))));
		try {
			AotCacheStore store = open();
			assertThat(others.get(0)).as("newest other key").exists();
			assertThat(others.get(1)).exists();
			assertThat(others.get(2)).doesNotExist();
			assertThat(others.get(3)).doesNotExist();
			assertThat(others.get(4)).as("locked").exists();
			assertThat(notAKey).exists();
			assertThat(store.directory()).exists();
		}
		finally {
			AotCacheDirectory.unlock(held);
		}
	}

	@Test
	void aKeyWhoseStoreClosedIsNotRemovedWhileAWorkerStartedFromItRuns() throws IOException {
		AotCacheStore stopping = ready();
		Path directory = stopping.directory();
		assertThat(stopping.forWorker(1)).isPresent();
		// As the master begins to stop, or swaps its jar: worker 1 drains, from the key.
		stopping.close();
		Files.setLastModifiedTime(directory, FileTime.from(Instant.now().minus(Duration.ofDays(30))));
		otherKeys(3);
		AotCacheStore another = openKey(new AotCacheKey("f".repeat(32)));
		assertThat(directory).as("in use").exists();
		stopping.onWorkerExited(1, 10, true, true);
		another.close();
		openKey(new AotCacheKey("e".repeat(32)));
		assertThat(directory).as("no longer in use: the oldest key").doesNotExist();
	}

	@Test
	void anExtractionThatLostAJarOfItsClassPathIsGivenToNoWorker() throws IOException {
		// As a /tmp cleaner ages files out: the JVM would skip the missing jar, and fail
		// only on the request that needs a class of it.
		Path directory = Files.createDirectory(this.base.resolve(KEY.value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createDirectories(directory.resolve("app/lib"));
		java.util.jar.Manifest manifest = new java.util.jar.Manifest();
		manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, "lib/a.jar lib/b%20c.jar");
		try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(directory.resolve("app/app.jar")),
				manifest)) {
			jar.putNextEntry(new java.util.zip.ZipEntry("app/Main.class"));
			jar.closeEntry();
		}
		Files.writeString(directory.resolve("app/lib/a.jar"), "a");
		Files.writeString(directory.resolve("app/lib/b c.jar"), "b");
		Files.writeString(directory.resolve("app.aot"), "cache");
		AotCacheStore store = open();
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		assertThat(store.forWorker(1)).isPresent();
		Files.delete(directory.resolve("app/lib/b c.jar"));
		assertThat(store.forWorker(2)).as("the jar on disk").isEmpty();
	}

	private AotCacheStore openKey(AotCacheKey key) throws IOException {
		AotCacheStore store = AotCacheStore.open(this.base, Path.of("/apps/app.jar"),
				JarIdentity.of(Path.of("/apps/app.jar")), key, "java", List.of(), Duration.ofSeconds(60), this.log::add,
				this.creations::add, this::run);
		this.opened.add(store);
		return store;
	}

	@Test
	void aMasterWithoutTheKeyRemovesNoOtherKey() throws IOException {
		open();
		Path old = Files.createDirectory(this.base.resolve(("%032x").formatted(1)),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		for (int day = 2; day <= 4; day++) {
			Files.createDirectory(this.base.resolve(("%032x").formatted(day)));
		}
		Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(30))));
		open();
		assertThat(old).exists();
	}

	@Test
	void tooLittleSpaceForTheExtractionTurnsTheStoreOffOnceAndWorkersRunTheJarOnDisk() throws IOException {
		Path jar = sparseJar();
		AotCacheStore store = open(jar);
		store.extract();
		assertThat(this.commands).as("no extraction started").isEmpty();
		assertThat(store.phase()).isEqualTo(AotCachePhase.OFF);
		assertThat(store.forWorker(1)).isEmpty();
		assertThat(this.log).singleElement()
			.asString()
			.startsWith("AOT cache: off for this master: the application could not be extracted (too little space");
	}

	@Test
	void tooLittleSpaceForTheCreationTurnsTheStoreOffAtOnce() throws IOException {
		Path jar = sparseJar();
		Path directory = Files.createDirectory(this.base.resolve(KEY.value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createDirectories(directory.resolve("app/lib"));
		Files.writeString(directory.resolve("app/big.jar"), "extracted");
		this.executor = Runnable::run;
		AotCacheStore store = open(jar);
		store.forWorker(1);
		Files.writeString(directory.resolve(recording(1)), "recorded");
		store.onWorkerExited(1, 500, true, false);
		assertThat(this.commands).as("no creation started").isEmpty();
		assertThat(store.phase()).isEqualTo(AotCachePhase.OFF);
		assertThat(directory.resolve(recording(1))).doesNotExist();
		assertThat(this.log).last().asString().startsWith("AOT cache: off for this master: too little space");
	}

	/**
	 * A jar larger than the disk, which takes no room: a sparse file.
	 */
	private Path sparseJar() throws IOException {
		Path jar = this.base.resolve("big.jar");
		long size = Files.getFileStore(this.base).getTotalSpace();
		try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(jar.toFile(), "rw")) {
			file.setLength(size);
		}
		return jar;
	}

	private AotCacheStore open(Path jar) throws IOException {
		AotCacheStore store = AotCacheStore.open(this.base, jar, JarIdentity.of(jar), KEY, "java", List.of(),
				Duration.ofSeconds(60), this.log::add, (task) -> this.executor.execute(task), this::run);
		this.opened.add(store);
		return store;
	}

	@Test
	void theCreationsOptionsAreInAPrivateArgumentFileNotOnItsCommandLine() throws IOException {
		this.executor = Runnable::run;
		AotCacheStore store = extracted();
		store.forWorker(1);
		Files.writeString(store.directory().resolve(recording(1)), "recorded");
		store.onWorkerExited(1, 500, true, false);
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		assertThat(this.commandLines).last()
			.satisfies((line) -> assertThat(line).satisfiesExactly((java) -> assertThat(java).isEqualTo("java"),
					(file) -> assertThat(file).matches("@" + java.util.regex.Pattern.quote(store.directory().toString())
							+ "/create-" + ProcessHandle.current().pid() + "-[0-9]+\\.args")));
		assertThat(this.commands).last()
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.contains("-XX:+UseSerialGC", "-XX:AOTMode=create");
		try (var files = Files.list(store.directory())) {
			assertThat(files.map((file) -> file.getFileName().toString())).as("the file deleted")
				.noneMatch((name) -> name.endsWith(".args"));
		}
	}

	private AotCacheStore open() throws IOException {
		AotCacheStore store = AotCacheStore.open(this.base, Path.of("/apps/app.jar"),
				JarIdentity.of(Path.of("/apps/app.jar")), KEY, "java", List.of("-XX:+UseSerialGC"),
				Duration.ofSeconds(60), this.log::add, (task) -> this.executor.execute(task), this::run);
		this.opened.add(store);
		return store;
	}

	/**
	 * The name of a worker's recording: this master's, as another master's workers have
	 * the same ids.
	 */
	private static String recording(int workerId) {
		return "recording-" + ProcessHandle.current().pid() + "-" + workerId + ".aotconf";
	}

	/**
	 * Leave what the extraction or the creation leaves, unless told to fail as they fail:
	 * a status other than 0 and nothing written.
	 */
	private BoundedCommand.Result run(List<String> command, Duration timeout) throws IOException {
		this.commandLines.add(command);
		command = expanded(command);
		this.commands.add(command);
		if (this.exitCode != 0) {
			return new BoundedCommand.Result(this.exitCode, "Error: something the JVM said");
		}
		if (command.contains("extract")) {
			this.beforeExtraction.run();
			Path destination = Path.of(command.get(command.size() - 1));
			Files.createDirectories(destination.resolve("lib"));
			Files.writeString(destination.resolve("app.jar"), "extracted");
		}
		command.stream()
			.filter((argument) -> argument.startsWith("-XX:AOTCache="))
			.forEach((argument) -> write(Path.of(argument.substring("-XX:AOTCache=".length()))));
		return new BoundedCommand.Result(0, "AOTCache creation is complete");
	}

	/**
	 * Read an argument file as the java launcher does: an argument a line, quoted.
	 */
	private static List<String> expanded(List<String> command) throws IOException {
		List<String> expanded = new ArrayList<>();
		for (String argument : command) {
			if (!argument.startsWith("@")) {
				expanded.add(argument);
				continue;
			}
			for (String line : Files.readAllLines(Path.of(argument.substring(1)))) {
				assertThat(line).startsWith("\"").endsWith("\"");
				expanded.add(line.substring(1, line.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\"));
			}
		}
		return expanded;
	}

	private static void write(Path file) {
		try {
			Files.writeString(file, "cache");
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private AotCacheStore extracted() throws IOException {
		Path directory = Files.createDirectory(this.base.resolve(KEY.value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createDirectories(directory.resolve("app/lib"));
		Files.writeString(directory.resolve("app/app.jar"), "extracted");
		AotCacheStore store = open();
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		return store;
	}

	private AotCacheStore ready() throws IOException {
		// Stopped: the store returned keeps the key.
		extracted().close();
		Files.writeString(this.base.resolve(KEY.value()).resolve("app.aot"), "cache");
		return open();
	}

	/**
	 * A worker given the store's start fails to boot, and its retry without it boots or
	 * fails too.
	 */
	private static void failToBoot(AotCacheStore store, int worker, boolean retryBoots) {
		assertThat(store.forWorker(worker)).isPresent();
		store.onWorkerExited(worker, 0, false, false);
		store.retried(worker, retryBoots);
	}

	/**
	 * Through a recording and a creation, as the master goes.
	 */
	private void setReady(AotCacheStore store, int recorder) throws IOException {
		if (store.phase() == AotCachePhase.READY) {
			return;
		}
		this.executor = Runnable::run;
		store.forWorker(recorder);
		Files.writeString(store.directory().resolve(recording(recorder)), "recorded");
		store.onWorkerExited(recorder, 1, true, false);
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
	}

}
