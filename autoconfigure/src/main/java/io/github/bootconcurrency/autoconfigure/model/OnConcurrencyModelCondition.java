package io.github.bootconcurrency.autoconfigure.model;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@link SpringBootCondition} behind {@link ConditionalOnConcurrencyModel}.
 *
 * <p>
 * An invalid choice does not throw here: the condition does not match, and the settings
 * bean reports the error with its failure analysis, which is clearer than an exception
 * from inside condition evaluation.
 */
class OnConcurrencyModelCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConcurrencyModel required = (ConcurrencyModel) metadata
			.getAnnotationAttributes(ConditionalOnConcurrencyModel.class.getName())
			.get("value");
		ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnConcurrencyModel.class,
				required.value());
		ModelDecision decision;
		try {
			decision = ModelDecision.resolve(context.getEnvironment());
		}
		catch (RuntimeException ex) {
			return ConditionOutcome.noMatch(message.because("the model cannot be decided: " + ex.getMessage()));
		}
		String found = "concurrency model '" + decision.model().value() + "' chosen by " + decision.reason();
		return (decision.model() == required) ? ConditionOutcome.match(message.because(found))
				: ConditionOutcome.noMatch(message.because(found));
	}

}
