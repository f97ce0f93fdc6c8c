package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.math.BigDecimal;
import java.util.Locale;

import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * {@code concurrency.multi-jvm.max-heap-after-gc}: the heap a worker may hold after a
 * collection, as a size or as a percentage of the worker's own maximum heap, which only
 * the worker knows and reports in its heartbeat.
 *
 * <p>
 * A worker is over the limit after {@link #SAMPLES} collections in a row left more than
 * the limit in use: one collection that sees a burst of live objects (a large request, a
 * cache being filled) replaces nobody, a heap that stays full does.
 *
 * @param bytes the limit as a size, or -1
 * @param percent the limit as a percentage of the maximum heap, or -1
 */
public record HeapLimit(long bytes, double percent) {

	/**
	 * No limit: the default.
	 */
	public static final HeapLimit NONE = new HeapLimit(-1, -1);

	/**
	 * Collections in a row over the limit after which a worker is replaced.
	 */
	public static final int SAMPLES = 3;

	private static final long MEGABYTE = 1024 * 1024;

	static final String KEY = "concurrency.multi-jvm.max-heap-after-gc";

	static final String ALLOWED = "a size such as 512MB, or a percentage of the worker's maximum heap from 1% to 100%"
			+ " such as 80%; unset for no limit";

	/**
	 * Read the setting, reporting a value that cannot be used.
	 * @param value the value, or {@code null} if unset
	 * @param environment where it came from
	 * @param checks where a violation goes
	 * @return the limit, {@link #NONE} if unset or invalid
	 */
	static HeapLimit check(@Nullable String value, Environment environment, SettingsChecks checks) {
		try {
			return parse(value);
		}
		catch (IllegalArgumentException ex) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, KEY), KEY, value.trim(), ALLOWED));
			return NONE;
		}
	}

	/**
	 * Read the setting.
	 * @param value the value, or {@code null} if unset
	 * @return the limit
	 * @throws IllegalArgumentException if the value is neither a positive size nor a
	 * percentage above 0 and at most 100
	 */
	static HeapLimit parse(@Nullable String value) {
		String text = (value != null) ? value.trim() : "";
		if (text.isEmpty()) {
			return NONE;
		}
		if (text.endsWith("%")) {
			double percent = new BigDecimal(text.substring(0, text.length() - 1).trim()).doubleValue();
			if (!(percent > 0 && percent <= 100)) {
				throw new IllegalArgumentException("percentage out of range: " + text);
			}
			return new HeapLimit(-1, percent);
		}
		// DataSize reads a bare number as bytes, as every DataSize key of Spring Boot.
		long bytes = DataSize.parse(text.toUpperCase(Locale.ROOT)).toBytes();
		if (bytes <= 0) {
			throw new IllegalArgumentException("size not positive: " + text);
		}
		return new HeapLimit(bytes, -1);
	}

	boolean isSet() {
		return this.bytes > 0 || this.percent > 0;
	}

	/**
	 * Return the limit in bytes for a worker.
	 * @param maxHeapBytes the worker's maximum heap, or a negative number if unknown
	 * @return the limit, or -1 if there is none or it cannot be known
	 */
	public long bytesOf(long maxHeapBytes) {
		if (this.bytes > 0) {
			return this.bytes;
		}
		if (this.percent > 0 && maxHeapBytes > 0) {
			return (long) (maxHeapBytes * this.percent / 100);
		}
		return -1;
	}

	@Override
	public String toString() {
		if (this.bytes > 0) {
			return (this.bytes % MEGABYTE == 0) ? (this.bytes / MEGABYTE) + "MB" : this.bytes + "B";
		}
		return (this.percent > 0) ? BigDecimal.valueOf(this.percent).stripTrailingZeros().toPlainString() + "%"
				: "none";
	}

}
