package dev.corral.mesos.config;

/** A configuration document was refused; {@link #field()} names the offending field (dotted path). */
public final class InvalidConfigException extends Exception {

    private final String field;

    public InvalidConfigException(String field, String problem) {
        super("invalid configuration: field '" + field + "' " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
