/**
 * The entry point of {@code benchmark.jar}: the load tool's modes, and the suite.
 */
@NullMarked
package io.github.bootconcurrency.benchmark;

import org.jspecify.annotations.NullMarked;
