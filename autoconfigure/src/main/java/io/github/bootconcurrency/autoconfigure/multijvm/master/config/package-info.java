/**
 * The multi-jvm master's configuration: one immutable record, resolved from the
 * environment and read again on reload. Internal to the multi-jvm master, with no
 * compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import org.jspecify.annotations.NullMarked;
