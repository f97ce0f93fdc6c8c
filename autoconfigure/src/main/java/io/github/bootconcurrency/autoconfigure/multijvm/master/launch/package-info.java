/**
 * How the multi-jvm master starts a worker JVM: its command line, argument files, process
 * and output, and the master's log. Internal to the multi-jvm master, with no
 * compatibility promise.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import org.jspecify.annotations.NullMarked;
