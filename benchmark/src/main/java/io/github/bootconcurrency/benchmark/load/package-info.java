/**
 * Load over HTTP and what it measured: the load tool's engine and clients, and wrk.
 */
@NullMarked
package io.github.bootconcurrency.benchmark.load;

import org.jspecify.annotations.NullMarked;
