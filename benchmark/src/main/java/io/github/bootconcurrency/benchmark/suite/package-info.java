/**
 * The suite: starts each model of the sample app, warms it up and measures it.
 */
@NullMarked
package io.github.bootconcurrency.benchmark.suite;

import org.jspecify.annotations.NullMarked;
