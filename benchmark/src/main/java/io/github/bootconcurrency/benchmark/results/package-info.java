/**
 * What the suite measures and what it measured: options, models, measurements.
 */
@NullMarked
package io.github.bootconcurrency.benchmark.results;

import org.jspecify.annotations.NullMarked;
