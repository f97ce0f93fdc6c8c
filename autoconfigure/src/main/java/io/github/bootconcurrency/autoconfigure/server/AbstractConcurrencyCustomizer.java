package io.github.bootconcurrency.autoconfigure.server;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;

import org.springframework.boot.web.server.WebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Base of the customizers that translate the concurrency settings to one server, and
 * record what they applied for the {@code concurrency} endpoint.
 *
 * @param <T> the server's factory type
 */
public abstract class AbstractConcurrencyCustomizer<T extends WebServerFactory>
		implements WebServerFactoryCustomizer<T>, Ordered {

	protected final ConcurrencySettings settings;

	protected final RequestGate gate;

	private final ServerTranslation translation;

	private final String server;

	protected AbstractConcurrencyCustomizer(String server, ConcurrencySettings settings, ServerTranslation translation,
			RequestGate gate) {
		this.server = server;
		this.settings = settings;
		this.translation = translation;
		this.gate = gate;
	}

	@Override
	public int getOrder() {
		return CustomizerOrders.CONCURRENCY;
	}

	protected void record(String setting, Object value) {
		this.translation.record(this.server, setting, value);
	}

}
