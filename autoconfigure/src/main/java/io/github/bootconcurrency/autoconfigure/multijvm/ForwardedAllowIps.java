package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The addresses trusted to set forwarding headers
 * ({@code concurrency.multi-jvm.forwarded-allow-ips}): IP addresses and CIDR ranges, or
 * {@code *} for any.
 *
 * <p>
 * Entries are parsed as literals only, never looked up: a host name is refused, since a
 * DNS answer would decide whom the application trusts.
 */
public final class ForwardedAllowIps {

	/**
	 * What an entry may be, in the words of a startup error.
	 */
	public static final String ALLOWED = "IP addresses or CIDR ranges, such as 10.0.0.1, 10.0.0.0/8 or fd00::/8, "
			+ "separated by commas, or * for any address";

	private static final Pattern IPV4 = Pattern
		.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

	private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

	private static final ForwardedAllowIps NONE = new ForwardedAllowIps(List.of(), false);

	private final List<Range> ranges;

	private final boolean any;

	private ForwardedAllowIps(List<Range> ranges, boolean any) {
		this.ranges = ranges;
		this.any = any;
	}

	/**
	 * Return the addresses of a setting's entries.
	 * @param entries the entries, blank ones ignored
	 * @return the addresses
	 * @throws IllegalArgumentException naming the first entry that is not an address, a
	 * range or {@code *}
	 */
	public static ForwardedAllowIps of(Collection<String> entries) {
		if (entries == null || entries.isEmpty()) {
			return NONE;
		}
		List<Range> ranges = new ArrayList<>();
		boolean any = false;
		for (String entry : entries) {
			String trimmed = (entry != null) ? entry.trim() : "";
			if (trimmed.isEmpty()) {
				continue;
			}
			if (trimmed.equals("*")) {
				any = true;
				continue;
			}
			Range range = Range.parse(trimmed);
			if (range == null) {
				throw new IllegalArgumentException(trimmed);
			}
			ranges.add(range);
		}
		return new ForwardedAllowIps(List.copyOf(ranges), any);
	}

	/**
	 * Whether no address is trusted.
	 * @return whether none is
	 */
	public boolean isNone() {
		return !this.any && this.ranges.isEmpty();
	}

	/**
	 * Whether an address is trusted.
	 * @param address the address, or {@code null} if unknown
	 * @return whether it is
	 */
	public boolean allows(@Nullable InetAddress address) {
		if (address == null) {
			return false;
		}
		if (this.any) {
			return true;
		}
		byte[] bytes = address.getAddress();
		for (Range range : this.ranges) {
			if (range.contains(bytes)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the address an IP literal stands for, without any lookup.
	 * @param text the literal, IPv6 possibly in brackets
	 * @return the address, or {@code null} if the text is not an IP literal
	 */
	public static @Nullable InetAddress literal(@Nullable String text) {
		if (text == null) {
			return null;
		}
		String value = text.trim();
		if (value.startsWith("[") && value.endsWith("]")) {
			value = value.substring(1, value.length() - 1);
		}
		// Only literals reach getByName, which then parses them and resolves nothing.
		if (!IPV4.matcher(value).matches() && !IPV6.matcher(value).matches()) {
			return null;
		}
		try {
			return InetAddress.getByName(value);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	private record Range(byte[] network, int prefix) {

		static @Nullable Range parse(String entry) {
			int slash = entry.indexOf('/');
			InetAddress address = literal((slash >= 0) ? entry.substring(0, slash) : entry);
			if (address == null) {
				return null;
			}
			int bits = address.getAddress().length * 8;
			int prefix = bits;
			if (slash >= 0) {
				String length = entry.substring(slash + 1);
				if (!length.matches("\\d{1,3}")) {
					return null;
				}
				prefix = Integer.parseInt(length);
				if (prefix > bits) {
					return null;
				}
			}
			return new Range(address.getAddress(), prefix);
		}

		boolean contains(byte[] address) {
			if (address.length != this.network.length) {
				return false;
			}
			int whole = this.prefix / 8;
			for (int i = 0; i < whole; i++) {
				if (address[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.prefix % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xFF << (8 - rest)) & 0xFF;
			return (address[whole] & mask) == (this.network[whole] & mask);
		}

	}

}
