package io.github.bootconcurrency.autoconfigure.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * A test class that spends its time waiting (request deadlines, queue timeouts, latencies
 * a limit adapts to), not computing: its tests run beside the other classes of the fast
 * lane, which run one at a time, so that the waits overlap instead of adding up.
 *
 * <p>
 * Such a class reads the system properties, as every Spring application does, so it never
 * runs while a test that changes them (which locks {@link Resources#SYSTEM_PROPERTIES}
 * for writing) does; and it allocates, so it never runs while a test measures the heap
 * (which locks {@link #HEAP} for writing). A test that measures the process's CPU time
 * must not be marked so. Its bounds on durations must hold on a loaded machine anyway.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = Resources.SYSTEM_PROPERTIES, mode = ResourceAccessMode.READ)
@ResourceLock(value = RunsInParallel.HEAP, mode = ResourceAccessMode.READ)
public @interface RunsInParallel {

	/**
	 * The test JVM's heap, as a resource a test locks for writing while it measures what
	 * its own allocations left there.
	 */
	String HEAP = "the test JVM's heap";

}
