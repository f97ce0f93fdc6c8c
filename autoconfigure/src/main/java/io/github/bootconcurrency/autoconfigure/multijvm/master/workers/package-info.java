/**
 * The worker JVMs as the multi-jvm master's loop keeps them: their registry, start,
 * supervision, heartbeats, replacement and shutdown, the counters, and the port to the
 * balancer. Internal to the multi-jvm master, with no compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import org.jspecify.annotations.NullMarked;
