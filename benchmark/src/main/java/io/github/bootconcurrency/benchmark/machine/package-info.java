/**
 * The machine a run is made on, and what a run cost it: CPU time, context switches.
 */
@NullMarked
package io.github.bootconcurrency.benchmark.machine;

import org.jspecify.annotations.NullMarked;
