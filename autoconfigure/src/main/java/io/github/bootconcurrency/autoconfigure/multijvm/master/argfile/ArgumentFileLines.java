package io.github.bootconcurrency.autoconfigure.multijvm.master.argfile;

import java.util.List;

/**
 * The lines of a java launcher's argument file: one argument a line, each in double
 * quotes with backslash escapes, the form the launcher reads back unchanged, so that
 * spaces, quotes, backslashes and line breaks in an argument survive.
 */
public final class ArgumentFileLines {

	private ArgumentFileLines() {
	}

	/**
	 * Return the lines that carry the given arguments.
	 * @param arguments the arguments, one element each
	 * @return one quoted line an argument, in order
	 */
	public static List<String> of(List<String> arguments) {
		return arguments.stream().map(ArgumentFileLines::quote).toList();
	}

	/**
	 * Quote an argument as the launcher reads it back.
	 * @param argument the argument
	 * @return the quoted argument
	 */
	public static String quote(String argument) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : argument.toCharArray()) {
			switch (c) {
				case '\\' -> quoted.append("\\\\");
				case '"' -> quoted.append("\\\"");
				case '\n' -> quoted.append("\\n");
				case '\r' -> quoted.append("\\r");
				case '\t' -> quoted.append("\\t");
				case '\f' -> quoted.append("\\f");
				default -> quoted.append(c);
			}
		}
		return quoted.append('"').toString();
	}

}
