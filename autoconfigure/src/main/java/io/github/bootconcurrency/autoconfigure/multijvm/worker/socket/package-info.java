/**
 * A worker's Tomcat or Jetty on the listening socket inherited from the master
 * ({@code shared-socket}): accept below the cap, header deadlines, drain and close.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import org.jspecify.annotations.NullMarked;
