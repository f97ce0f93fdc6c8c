/**
 * The multi-jvm master's entry point: starts the master (its pidfile, balancer, control
 * channel and loop) and ends it with the loop's exit status. Internal to the multi-jvm
 * master, with no compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master;

import org.jspecify.annotations.NullMarked;
