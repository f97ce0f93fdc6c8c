package io.github.bootconcurrency.autoconfigure.actuate;

import org.jspecify.annotations.Nullable;

import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpoint.ConcurrencyDescriptor;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@link ConcurrencyEndpoint} over HTTP: in a worker whose multi-jvm master cannot
 * answer, {@code 503 Service Unavailable} with the reason, rather than a {@code 500} or a
 * view without its cluster that reads as a success. The read still carries everything
 * this worker knows of itself.
 */
@EndpointWebExtension(endpoint = ConcurrencyEndpoint.class)
public class ConcurrencyEndpointWebExtension {

	private final ConcurrencyEndpoint endpoint;

	public ConcurrencyEndpointWebExtension(ConcurrencyEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	@ReadOperation
	public WebEndpointResponse<ConcurrencyDescriptor> concurrency() {
		ConcurrencyDescriptor descriptor = this.endpoint.concurrency();
		return new WebEndpointResponse<>(descriptor, (descriptor.clusterUnavailable() != null)
				? WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE : WebEndpointResponse.STATUS_OK);
	}

	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> control(@Nullable Integer workers, @Nullable Boolean reload) {
		try {
			return new WebEndpointResponse<>(this.endpoint.control(workers, reload));
		}
		catch (MasterUnavailableException ex) {
			return new WebEndpointResponse<>(new Unavailable(ex.getMessage()),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
	}

	/**
	 * Why the master did not take a request.
	 *
	 * @param error the reason
	 */
	public record Unavailable(@Nullable String error) implements OperationResponseBody {
	}

}
