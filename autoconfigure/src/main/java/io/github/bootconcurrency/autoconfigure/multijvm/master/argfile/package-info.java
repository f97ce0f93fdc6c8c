/**
 * The text of the java launcher's argument files ({@code java @file}), which the master
 * writes for its own JVM, its workers and the AOT cache's helper JVMs, so that no option
 * shows in {@code ps}. Internal. It imports nothing of the master.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.argfile;

import org.jspecify.annotations.NullMarked;
