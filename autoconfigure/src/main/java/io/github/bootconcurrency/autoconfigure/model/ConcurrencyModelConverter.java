package io.github.bootconcurrency.autoconfigure.model;

import org.springframework.core.convert.converter.Converter;

/**
 * Reads {@code concurrency.model} as a user writes it ({@code multi-jvm}), and refuses an
 * unknown value with the allowed values written the same way, rather than as enum
 * constants.
 */
public class ConcurrencyModelConverter implements Converter<String, ConcurrencyModel> {

	@Override
	public ConcurrencyModel convert(String source) {
		ConcurrencyModel model = ConcurrencyModel.fromValue(source);
		if (model == null) {
			throw new IllegalArgumentException(
					"'" + source + "' is not a concurrency model; allowed: " + ConcurrencyModel.allowedValues());
		}
		return model;
	}

}
