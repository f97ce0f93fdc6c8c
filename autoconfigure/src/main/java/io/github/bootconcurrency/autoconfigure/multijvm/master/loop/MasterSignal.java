package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

/**
 * The signals the master handles, as Gunicorn's arbiter does.
 */
enum MasterSignal {

	/**
	 * Graceful stop; a second one during the stop kills the workers at once.
	 */
	TERM,

	/**
	 * Graceful stop, as TERM: a Ctrl-C in a terminal should not cut requests off. A
	 * second one kills the workers at once.
	 */
	INT,

	/**
	 * Reload: read the configuration again, then replace every worker, one at a time.
	 */
	HUP,

	/**
	 * One worker more.
	 */
	TTIN,

	/**
	 * One worker fewer, never below one.
	 */
	TTOU

}
