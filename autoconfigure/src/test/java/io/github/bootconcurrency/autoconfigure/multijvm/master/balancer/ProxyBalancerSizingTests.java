package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfigLoader;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the {@link ProxyBalancer} sizes its connections to the workers from the master's
 * configuration (moved from {@code MasterConfigTests} with the split of the master).
 */
class ProxyBalancerSizingTests {

	@Test
	void workerCapacityIsTheWorkerModelsLimitAndSizesTheProxysConnections() {
		MasterConfig platform = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.platform.max-threads", "50"),
				SharedSocket.unsupportedReason());
		assertThat(platform.workerCapacity()).isEqualTo(50);
		assertThat(ProxyBalancer.connectionsPerThread(platform.workerCapacity(), 2)).isEqualTo(25);
		MasterConfig virtual = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.worker-model", "virtual"),
				SharedSocket.unsupportedReason());
		assertThat(virtual.workerCapacity()).isEqualTo(10_000);
		// Bounded by the master's file descriptors, whatever a worker could take.
		assertThat(ProxyBalancer.connectionsPerThread(virtual.workerCapacity(), 2)).isEqualTo(512);
	}

	@Test
	void proxyClosesIdleConnectionsBeforeTheWorkersKeepAliveDoes() {
		MasterConfig defaults = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason());
		assertThat(defaults.keepAlive()).hasSeconds(20);
		assertThat(ProxyBalancer.idleConnectionTtl(defaults.keepAlive())).hasSeconds(5);
		MasterConfig shortKeepAlive = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.keep-alive-timeout", "3s"),
				SharedSocket.unsupportedReason());
		assertThat(ProxyBalancer.idleConnectionTtl(shortKeepAlive.keepAlive())).hasMillis(1500);
	}

}
