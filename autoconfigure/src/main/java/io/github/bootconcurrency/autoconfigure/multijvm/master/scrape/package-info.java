/**
 * The multi-jvm master's scrape of its workers' metrics, merged into one answer. Internal
 * to the multi-jvm master, with no compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.scrape;

import org.jspecify.annotations.NullMarked;
