/**
 * Customizers that translate the concurrency settings to the embedded server (Tomcat,
 * Jetty).
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.server;

import org.jspecify.annotations.NullMarked;
