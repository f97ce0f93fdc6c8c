/**
 * The worker JVM side of the multi-jvm model: its auto-configurations, which bring in the
 * control channel, the inherited socket and forwarding, and its watch on the master.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import org.jspecify.annotations.NullMarked;
