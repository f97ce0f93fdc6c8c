package io.github.bootconcurrency.autoconfigure.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What the application's connection factory connects to: a standalone server, a
 * Sentinel-managed master, or a cluster, read from the factory itself so that a
 * connection defined in code is described as faithfully as one from properties.
 *
 * @param mode how Redis is deployed
 * @param nodes the servers, sentinels or seed nodes, as {@code host:port}
 * @param database the database index, or -1 for a cluster (which has only 0)
 * @param master the Sentinel master name, or {@code null}
 * @param tls whether the client connects with TLS
 * @param secrets passwords that must never be shown
 */
public record RedisTarget(Mode mode, List<String> nodes, int database, @Nullable String master, boolean tls,
		Set<String> secrets) {

	/**
	 * How Redis is deployed.
	 */
	public enum Mode {

		/**
		 * One server.
		 */
		STANDALONE,

		/**
		 * A master found through sentinels.
		 */
		SENTINEL,

		/**
		 * A Redis Cluster, reached through seed nodes.
		 */
		CLUSTER,

		/**
		 * A connection factory this starter cannot look into.
		 */
		UNKNOWN

	}

	/**
	 * Describe what the factory connects to.
	 * @param factory the application's connection factory
	 * @return the target
	 */
	public static RedisTarget of(RedisConnectionFactory factory) {
		if (!(factory instanceof LettuceConnectionFactory lettuce)) {
			return new RedisTarget(Mode.UNKNOWN, List.of(factory.getClass().getName()), -1, null, false, Set.of());
		}
		Set<String> secrets = new LinkedHashSet<>();
		addSecret(secrets, lettuce.getPassword());
		boolean tls = lettuce.getClientConfiguration().isUseSsl();
		if (lettuce.isClusterAware()) {
			RedisClusterConfiguration cluster = lettuce.getClusterConfiguration();
			addSecret(secrets, cluster.getPassword());
			return new RedisTarget(Mode.CLUSTER, addresses(cluster.getClusterNodes()), -1, null, tls, secrets);
		}
		if (lettuce.isRedisSentinelAware()) {
			RedisSentinelConfiguration sentinel = lettuce.getSentinelConfiguration();
			addSecret(secrets, sentinel.getPassword());
			addSecret(secrets, sentinel.getSentinelPassword());
			String master = (sentinel.getMaster() != null) ? sentinel.getMaster().getName() : null;
			return new RedisTarget(Mode.SENTINEL, addresses(sentinel.getSentinels()), sentinel.getDatabase(), master,
					tls, secrets);
		}
		RedisStandaloneConfiguration standalone = lettuce.getStandaloneConfiguration();
		addSecret(secrets, standalone.getPassword());
		return new RedisTarget(Mode.STANDALONE, List.of(standalone.getHostName() + ":" + standalone.getPort()),
				standalone.getDatabase(), null, tls, secrets);
	}

	/**
	 * Describe the target for logs and errors; never includes a password.
	 * @return a description such as {@code 127.0.0.1:6379/0 (standalone)}
	 */
	public String describe() {
		String description = switch (this.mode) {
			case STANDALONE -> this.nodes.get(0) + "/" + this.database + " (standalone)";
			case SENTINEL -> "master '" + this.master + "' via sentinels " + String.join(", ", this.nodes)
					+ ", database " + this.database;
			case CLUSTER -> "cluster seed nodes " + String.join(", ", this.nodes);
			case UNKNOWN -> "a connection from " + this.nodes.get(0);
		};
		return this.tls ? description + ", over TLS" : description;
	}

	/**
	 * Replace every password this target knows of in {@code text}.
	 * @param text the text to clean, such as an exception message
	 * @return the text without secrets
	 */
	public @Nullable String scrub(@Nullable String text) {
		if (text == null) {
			return null;
		}
		String scrubbed = text;
		// Longest first: a password that is part of another (a prefix of the sentinel
		// password) would otherwise leave the rest of the longer one in the text.
		List<String> longestFirst = this.secrets.stream()
			.sorted(Comparator.comparingInt(String::length).reversed())
			.toList();
		for (String secret : longestFirst) {
			scrubbed = scrubbed.replace(secret, "******");
		}
		return scrubbed;
	}

	/**
	 * Describe the target with its components, never with a password: a record's own
	 * {@code toString()} would show every secret.
	 * @return the description
	 */
	@Override
	public String toString() {
		return "RedisTarget[mode=" + this.mode + ", nodes=" + this.nodes + ", database=" + this.database + ", master="
				+ this.master + ", tls=" + this.tls + ", secrets=" + this.secrets.size() + " hidden]";
	}

	RedisTarget withSecrets(Set<String> more) {
		Set<String> all = new LinkedHashSet<>(this.secrets);
		more.stream().filter((secret) -> secret != null && !secret.isEmpty()).forEach(all::add);
		return new RedisTarget(this.mode, this.nodes, this.database, this.master, this.tls, all);
	}

	private static List<String> addresses(Iterable<RedisNode> nodes) {
		List<String> addresses = new ArrayList<>();
		nodes.forEach((node) -> addresses.add(node.getHost() + ":" + node.getPort()));
		return List.copyOf(addresses);
	}

	private static void addSecret(Set<String> secrets, @Nullable Object password) {
		if (password instanceof RedisPassword redisPassword) {
			redisPassword.toOptional().map(String::new).filter((secret) -> !secret.isEmpty()).ifPresent(secrets::add);
		}
		else if (password instanceof String text && !text.isEmpty()) {
			secrets.add(text);
		}
	}

}
