/**
 * Ahead-of-time processing: the concurrency model fixed at build time, and refused where
 * it cannot run.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.aot;

import org.jspecify.annotations.NullMarked;
