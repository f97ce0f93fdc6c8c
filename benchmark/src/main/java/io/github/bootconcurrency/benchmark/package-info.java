/**
 * The load tool and benchmark suite that runs the sample app under every model and writes
 * the report.
 */
@NullMarked
package io.github.bootconcurrency.benchmark;

import org.jspecify.annotations.NullMarked;
