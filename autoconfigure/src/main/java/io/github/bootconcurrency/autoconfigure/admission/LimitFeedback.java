package io.github.bootconcurrency.autoconfigure.admission;

/**
 * Told of every request that a {@link RequestGate} admits and of how it ended, so that an
 * algorithm can move the gate's limit with the requests' latency. Lets the gate run
 * without the algorithm's library, which is optional.
 *
 * @see RequestGate#setLimitFeedback(LimitFeedback)
 */
@FunctionalInterface
public interface LimitFeedback {

	/**
	 * Feedback that ignores every request: the limit stays where it is.
	 */
	LimitFeedback NONE = () -> Sample.NONE;

	/**
	 * Called on the request's own thread once it is admitted, before it is handled.
	 * @return what to tell when the request ends
	 */
	Sample admitted();

	/**
	 * One admitted request, told exactly once how it ended.
	 */
	interface Sample {

		/**
		 * A sample that goes nowhere.
		 */
		Sample NONE = new Sample() {

			@Override
			public void succeeded() {
			}

			@Override
			public void dropped() {
			}

			@Override
			public void ignored() {
			}

		};

		/**
		 * The request was handled: its latency is a measure of the load.
		 */
		void succeeded();

		/**
		 * The request was answered with a sign of overload (503, 504): its latency
		 * counts, as a drop.
		 */
		void dropped();

		/**
		 * The request ended in a way that says nothing about the load (it failed, or went
		 * async): its latency is not counted.
		 */
		void ignored();

	}

}
