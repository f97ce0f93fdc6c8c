/**
 * A worker's Tomcat or Jetty on the listening socket inherited from the master
 * ({@code shared-socket}): accept below the cap, header deadlines, drain and close.
 * Internal to the multi-jvm worker, with no compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import org.jspecify.annotations.NullMarked;
