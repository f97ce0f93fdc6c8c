/**
 * Which forwarding headers a worker's Tomcat or Jetty honours, and the dropping of those
 * it does not trust, under either balancer. Internal to the multi-jvm worker, with no
 * compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.worker.forwarding;

import org.jspecify.annotations.NullMarked;
