package io.github.bootconcurrency.autoconfigure.multijvm.protocol;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ClusterView}.
 */
class ClusterViewTests {

	@Test
	void encodesAndDecodesWithNothingButTheJdkAsTheMasterWithoutTheActuatorDoes() throws Exception {
		URL classes = ClusterView.class.getProtectionDomain().getCodeSource().getLocation();
		try (URLClassLoader jdkOnly = new URLClassLoader(new URL[] { classes }, ClassLoader.getPlatformClassLoader())) {
			assertThatExceptionOfType(ClassNotFoundException.class)
				.isThrownBy(() -> jdkOnly.loadClass("org.springframework.boot.actuate.endpoint.OperationResponseBody"));
			Class<?> type = Class.forName(ClusterView.class.getName(), true, jdkOnly);
			List<String> lines = List.of("balancer proxy", "target 2", "counters 3 1 1 0 0",
					"replacements crashed=1 hung=0 max-requests=2 max-heap=3 request-stuck=0 output-unread=6 aot-cache=0 reload=4 scale=5",
					"worker 7 1 4242 40000 ready 1234 99 1 5000000 2345 not-opened");
			Object view = type.getMethod("decode", List.class).invoke(null, lines);
			assertThat(type.getMethod("encode").invoke(view)).isEqualTo(lines);
		}
	}

	@Test
	void theBootTimeAndTheAotCacheFollowTheFieldsAnOlderWorkerReadsSoThatItIgnoresThem() {
		// Before the boot time and the AOT cache, a worker read the nine fields after
		// "worker", by position, and ignored any after them.
		ClusterView view = new ClusterView("proxy", 1, new ClusterView.Counters(1, 0, 0, 0, 0),
				List.of(new ClusterView.WorkerView(7, 1, 4242, 40000, "ready", 1234, 99, 1, 5_000_000, 1100, "used")));
		assertThat(view.encode()).contains("worker 7 1 4242 40000 ready 1234 99 1 5000000 1100 used");
	}

	@Test
	void aWorkerLineFromAnOlderMasterReadsAsNotBootedAndItsAotCacheUnknown() {
		// A reload with a new jar: the master runs the old code, its workers the new.
		ClusterView view = ClusterView.decode(List.of("balancer proxy", "target 1", "counters 1 0 0 0 0",
				"worker 7 1 4242 40000 ready 1234 99 1 5000000"));
		assertThat(view.workers()).singleElement().satisfies((worker) -> {
			assertThat(worker.heapUsedBytes()).isEqualTo(5_000_000);
			assertThat(worker.bootMillis()).isZero();
			assertThat(worker.aotCache()).isEqualTo("unknown");
		});
	}

	@Test
	void aViewWithoutReplacementsByReasonReadsAsNoneCounted() {
		ClusterView view = ClusterView.decode(List.of("balancer proxy", "target 1", "counters 1 0 0 0 0"));
		assertThat(view.counters().replacements()).isEmpty();
		assertThat(view.counters().replacements("max-heap")).isZero();
	}

}
