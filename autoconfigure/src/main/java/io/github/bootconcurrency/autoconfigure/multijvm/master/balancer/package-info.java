/**
 * How requests reach the workers of the multi-jvm master: the proxy and the shared
 * socket. Internal to the multi-jvm master, with no compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import org.jspecify.annotations.NullMarked;
