/**
 * The worker JVM side of the multi-jvm model: its control channel to the master,
 * heartbeat, drain and inherited socket.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import org.jspecify.annotations.NullMarked;
