package io.github.bootconcurrency.autoconfigure.scope;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.web.context.reactive.ReactiveWebApplicationContext;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@link SpringBootCondition} behind {@link ConditionalOnStarterEnabled}.
 */
class OnStarterEnabledCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnStarterEnabled.class);
		if (context.getResourceLoader() instanceof ReactiveWebApplicationContext) {
			return ConditionOutcome.noMatch(message.because("reactive web application"));
		}
		String off = StarterScope.offBecause(context.getEnvironment());
		return (off != null) ? ConditionOutcome.noMatch(message.because(off))
				: ConditionOutcome.match(message.because(StarterScope.ENABLED_KEY + " is not false"));
	}

}
