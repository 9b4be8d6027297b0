package dev.corral.server.config;

/** A configuration that cannot start a server; the message names the key and what is wrong with it. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
