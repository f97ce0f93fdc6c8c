/**
 * The `concurrency` actuator endpoint, its metrics, and the advice on which model fits
 * the observed load.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
