/**
 * Decides, before any application context exists, which part a JVM plays in the multi-jvm
 * model: master, worker or neither.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.startup;

import org.jspecify.annotations.NullMarked;
