/**
 * The multi-jvm master's loop: the events it acts on, the signals, the configuration in
 * force and its reload, and the boot-failure policy. Internal to the multi-jvm master,
 * with no compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import org.jspecify.annotations.NullMarked;
