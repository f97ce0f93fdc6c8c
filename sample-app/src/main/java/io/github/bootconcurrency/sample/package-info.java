/**
 * The sample application of the Gunicorn experiment: a CPU-bound and an IO-bound route
 * under any model.
 */
@NullMarked
package io.github.bootconcurrency.sample;

import org.jspecify.annotations.NullMarked;
