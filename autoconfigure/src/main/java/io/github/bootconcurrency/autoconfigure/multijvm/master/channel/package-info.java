/**
 * The multi-jvm master's end of the control channel that its workers call. Internal to
 * the multi-jvm master, with no compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.channel;

import org.jspecify.annotations.NullMarked;
