/**
 * Which forwarding headers a worker's Tomcat or Jetty honours, and the dropping of those
 * it does not trust, under either balancer.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.worker.forwarding;

import org.jspecify.annotations.NullMarked;
