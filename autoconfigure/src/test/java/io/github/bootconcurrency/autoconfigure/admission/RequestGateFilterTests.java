package io.github.bootconcurrency.autoconfigure.admission;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link RequestGateFilter}.
 */
class RequestGateFilterTests {

	@Test
	void slotIsGivenBackWhenTheLimitAlgorithmFailsOnceTheRequestIsAdmitted() throws Exception {
		RequestGate gate = new RequestGate(1, Duration.ofMillis(100));
		gate.setLimitFeedback(() -> {
			throw new IllegalStateException("limiter failed");
		});
		RequestGateFilter filter = new RequestGateFilter(gate);
		assertThatIllegalStateException().isThrownBy(() -> request(filter)).withMessage("limiter failed");
		assertSlotGivenBack(gate);
	}

	@Test
	void slotIsGivenBackWhenTheWindowFailsOnceTheRequestIsAdmitted() throws Exception {
		RequestGate gate = new RequestGate(1, Duration.ofMillis(100));
		RequestGateFilter filter = new RequestGateFilter(gate);
		filter.setWindow(new RequestWindow(System::nanoTime, () -> {
			throw new IllegalStateException("window failed");
		}, () -> 0.0));
		assertThatIllegalStateException().isThrownBy(() -> request(filter)).withMessage("window failed");
		assertSlotGivenBack(gate);
	}

	private void assertSlotGivenBack(RequestGate gate) throws InterruptedException {
		assertThat(gate.getInFlight()).isZero();
		// The one slot is free: the next request is admitted at once, not rejected.
		assertThat(gate.enter()).isTrue();
		gate.exit();
		assertThat(gate.getRejected()).isZero();
	}

	private void request(RequestGateFilter filter) throws Exception {
		filter.doFilter(new MockHttpServletRequest("GET", "/work"), new MockHttpServletResponse(),
				new MockFilterChain());
	}

}
