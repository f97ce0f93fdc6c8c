/**
 * The Prometheus text of the multi-jvm master: the merge of its workers' expositions with
 * its own series, and the histogram of its workers' boot times. Internal to the multi-jvm
 * master, with no compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.metrics;

import org.jspecify.annotations.NullMarked;
