package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches in a worker JVM started by a multi-jvm master, and says which worker it is.
 * Only the system properties the master sets count, not the whole Environment: an
 * environment variable or an application property of the same name (a stray export, a
 * process started by a worker) must not switch the worker side on.
 */
class OnMultiJvmWorkerCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Optional<WorkerEnvironment> worker = WorkerEnvironment.current();
		return worker
			.map((w) -> ConditionOutcome
				.match("this JVM is worker " + w.id() + " of the multi-jvm master with pid " + w.masterPid()))
			.orElseGet(() -> ConditionOutcome.noMatch("this JVM was not started by a multi-jvm master ("
					+ WorkerEnvironment.ID + " is not set as a system property)"));
	}

}
