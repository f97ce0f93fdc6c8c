package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;

import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.SharedSocket;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfigLoader;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@link Arbiter} run step by step, with fake workers, a fake clock and the off-loop
 * work held until a test runs it: what the tests of the master's policy share.
 */
abstract class ArbiterHarness {

	final FakeWorkers.Clock clock = new FakeWorkers.Clock();

	final FakeWorkers.Launcher launcher = new FakeWorkers.Launcher();

	final FakeWorkers.Balancer balancer = new FakeWorkers.Balancer();

	final List<Runnable> offLoop = new ArrayList<>();

	final ByteArrayOutputStream log = new ByteArrayOutputStream();

	Supplier<MasterConfig> reloader = () -> config();

	Arbiter arbiter;

	void start(String... properties) {
		this.arbiter = new Arbiter(config(properties), () -> this.reloader.get(), this.launcher, this.balancer,
				this.clock, this.offLoop::add, new PrintStream(this.log, true, StandardCharsets.UTF_8));
	}

	/**
	 * A configuration of one worker unless the properties say otherwise.
	 */
	static MasterConfig config(String... properties) {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.multi-jvm.workers", "1");
		for (String property : properties) {
			int equals = property.indexOf('=');
			environment.setProperty(property.substring(0, equals), property.substring(equals + 1));
		}
		return MasterConfigLoader.load(environment, SharedSocket.unsupportedReason());
	}

	OptionalInt step() {
		return this.arbiter.run(1, Duration.ZERO);
	}

	void steps(int steps) {
		for (int i = 0; i < steps; i++) {
			assertThat(step()).isEmpty();
		}
	}

	void runOffLoop() {
		List<Runnable> tasks = List.copyOf(this.offLoop);
		this.offLoop.clear();
		tasks.forEach(Runnable::run);
	}

	void reload() {
		this.arbiter.submit(new Event.Signalled(MasterSignal.HUP));
		step();
		runOffLoop();
		step();
	}

	void ready(FakeWorkers.Process worker) {
		this.arbiter.submit(new Event.Heartbeat(worker.id, true, port(worker), 0, 0, 0));
	}

	static int port(FakeWorkers.Process worker) {
		return 40000 + worker.id;
	}

	FakeWorkers.Process readyWorker() {
		step();
		FakeWorkers.Process worker = this.launcher.last();
		ready(worker);
		step();
		return worker;
	}

	List<FakeWorkers.Process> readyWorkers(int count) {
		steps(count);
		List<FakeWorkers.Process> workers = List.copyOf(this.launcher.launched);
		workers.forEach(this::ready);
		step();
		assertThat(this.balancer.serving).hasSize(count);
		return workers;
	}

	String log() {
		return this.log.toString(StandardCharsets.UTF_8);
	}

}
