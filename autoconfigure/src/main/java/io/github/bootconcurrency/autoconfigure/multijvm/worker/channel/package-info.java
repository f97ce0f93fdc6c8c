/**
 * A worker's side of its master's control channel: the client, the heartbeat it sends,
 * and the scrape of its metrics that it serves the master and shows for the cluster.
 * Internal to the multi-jvm worker, with no compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.worker.channel;

import org.jspecify.annotations.NullMarked;
