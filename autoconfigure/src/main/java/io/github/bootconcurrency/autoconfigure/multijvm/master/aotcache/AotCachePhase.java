package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

/**
 * Where the cache stands.
 */
public enum AotCachePhase {

	/** Nothing extracted yet: workers start from the jar as it is. */
	NONE,
	/** Extracted: the next worker launched records. */
	EXTRACTED,
	/** A worker launched in record mode runs. */
	RECORDING,
	/** The master creates the cache from a recording. */
	CREATING,
	/** Workers start with the cache. */
	READY,
	/** Given up: workers start without a cache. */
	OFF

}
