package io.blip.api.config;

import io.blip.api.Secret;

import java.time.Duration;

/**
 * How a monitor connects to MySQL (Blip's monitor-level {@code hostname}, {@code socket}, ... keys
 * and the {@code mysql} defaults section).
 *
 * @param hostname         {@code host} or {@code host:port}
 * @param socket           a Unix socket path; takes precedence over {@code hostname}
 * @param mycnf            a my.cnf file whose {@code [client]} section gives defaults
 * @param username         the MySQL user (default {@code blip})
 * @param password         a static password
 * @param passwordFile     a file holding the password (one trailing newline is stripped)
 * @param timeoutConnect   how long to wait for a connection (default 5 s: Blip documents 10 s but never
 *                         applies it; what bounds its first connection is its engine's 5 s ping)
 * @param credentialSource beyond Blip: the name of a credential source plugin to use, overriding
 *                         the built-in precedence; empty for the default
 */
public record MysqlConfig(String hostname, String socket, String mycnf, String username, Secret password,
                          String passwordFile, Duration timeoutConnect, String credentialSource) {

    public static final String DEFAULT_USERNAME = "blip";
    public static final Duration DEFAULT_TIMEOUT_CONNECT = Duration.ofSeconds(5);
    public static final MysqlConfig EMPTY = new MysqlConfig("", "", "", DEFAULT_USERNAME, Secret.empty(), "",
            DEFAULT_TIMEOUT_CONNECT, "");

    public MysqlConfig {
        hostname = hostname == null ? "" : hostname;
        socket = socket == null ? "" : socket;
        mycnf = mycnf == null ? "" : mycnf;
        username = username == null || username.isEmpty() ? DEFAULT_USERNAME : username;
        password = password == null ? Secret.empty() : password;
        passwordFile = passwordFile == null ? "" : passwordFile;
        timeoutConnect = timeoutConnect == null ? DEFAULT_TIMEOUT_CONNECT : timeoutConnect;
        credentialSource = credentialSource == null ? "" : credentialSource;
    }
}
