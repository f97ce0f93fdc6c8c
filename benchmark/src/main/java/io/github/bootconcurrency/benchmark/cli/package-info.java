/**
 * The command line of the load tool and of the suite: options, flags and words.
 */
@NullMarked
package io.github.bootconcurrency.benchmark.cli;

import org.jspecify.annotations.NullMarked;
