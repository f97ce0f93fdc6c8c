package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The port of a real {@link ProxyBalancer}: the one the kernel chose when asked for 0,
 * and a port another process holds refused with where and why.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProxyBalancerPortTests {

	@Test
	void portZeroServesOnThePortTheKernelChoseAndSaysWhichOne() {
		ProxyBalancer balancer = new ProxyBalancer("127.0.0.1", 0, 50, 10, Duration.ofSeconds(20),
				Duration.ofSeconds(1));
		balancer.start();
		try {
			assertThat(balancer.port()).isPositive().isNotEqualTo(0);
		}
		finally {
			balancer.stop();
		}
	}

	@Test
	void aPortAnotherProcessListensOnIsRefusedNamingTheAddressAndWhatToDo() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			ProxyBalancer balancer = new ProxyBalancer("127.0.0.1", taken.getLocalPort(), 50, 10,
					Duration.ofSeconds(20), Duration.ofSeconds(1));
			assertThatIllegalStateException().isThrownBy(balancer::start)
				.withMessage("Cannot listen on 127.0.0.1:" + taken.getLocalPort()
						+ " for the proxy balancer: Address already in use. Another process listens on it: stop it"
						+ " or change server.port.");
		}
	}

}
