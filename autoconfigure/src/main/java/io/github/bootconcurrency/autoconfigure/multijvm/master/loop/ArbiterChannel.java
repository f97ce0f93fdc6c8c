package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.github.bootconcurrency.autoconfigure.multijvm.master.channel.ChannelPort;
import io.github.bootconcurrency.autoconfigure.multijvm.master.channel.MasterChannel;
import io.github.bootconcurrency.autoconfigure.multijvm.master.metrics.MetricFamilies;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.MasterCounters;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerBalancer;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerRegistry;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlRequest;

/**
 * The {@link Arbiter}'s side of the control channel: turns the channel's requests into
 * {@link Event events} for the loop, and answers reads (the view, a scrape's workers and
 * series) from what the loop keeps. So the loop depends on the channel, never the
 * reverse.
 */
public final class ArbiterChannel implements ChannelPort {

	/**
	 * The classes the channel's accept loop needs when the process is out of file
	 * descriptors, loaded with this one: loading a class then fails, as it has to open
	 * the jar (see {@code MasterChannel}).
	 */
	private static final List<Class<?>> NEEDED_WITHOUT_DESCRIPTORS = List.of(Event.ChannelTrouble.class);

	private final Consumer<Event> loop;

	private final WorkerRegistry registry;

	private final MasterCounters counters;

	private final WorkerBalancer balancer;

	private final InstantSource clock;

	private final IntSupplier target;

	private final Supplier<String> balancerName;

	/**
	 * Create the facade.
	 * @param loop queues an event for the loop
	 * @param registry the workers
	 * @param counters the master's counters
	 * @param balancer the balancer, for the requests it holds
	 * @param clock the time
	 * @param target the number of workers the master keeps running
	 * @param balancerName the balancer's name, as the view shows it
	 */
	ArbiterChannel(Consumer<Event> loop, WorkerRegistry registry, MasterCounters counters, WorkerBalancer balancer,
			InstantSource clock, IntSupplier target, Supplier<String> balancerName) {
		this.loop = loop;
		this.registry = registry;
		this.counters = counters;
		this.balancer = balancer;
		this.clock = clock;
		this.target = target;
		this.balancerName = balancerName;
	}

	@Override
	public boolean authenticate(int workerId, String token) {
		return this.registry.authenticate(workerId, token);
	}

	@Override
	public ClusterView view() {
		return new ClusterView(this.balancerName.get(), this.target.getAsInt(), this.counters.view(),
				this.registry.views(this.clock.instant()));
	}

	@Override
	public void heartbeat(int workerId, ControlRequest.Heartbeat heartbeat) {
		this.loop.accept(new Event.Heartbeat(workerId, heartbeat));
	}

	@Override
	public CompletableFuture<OptionalInt> scale(int workers) {
		Event.ScaleRequested request = new Event.ScaleRequested(workers);
		this.loop.accept(request);
		return request.accepted();
	}

	@Override
	public CompletableFuture<Boolean> reload() {
		Event.ReloadRequested request = new Event.ReloadRequested();
		this.loop.accept(request);
		return request.accepted();
	}

	@Override
	public void channelTrouble(boolean failing) {
		this.loop.accept(new Event.ChannelTrouble(failing));
	}

	@Override
	public List<Worker> workers() {
		return this.registry.all();
	}

	@Override
	public void describe(MetricFamilies series) {
		this.counters.describe(series);
		this.registry.describe(series);
		series.add("concurrency_master_workers_target", "gauge", "Workers the master keeps running.", Map.of(),
				this.target.getAsInt());
		int held = this.balancer.heldRequests();
		if (held >= 0) {
			series.add("concurrency_master_held_requests", "gauge",
					"Requests waiting in the master for a ready worker.", Map.of(), held);
		}
	}

}
