package dev.corral.mesos.config;

import java.util.Optional;

/**
 * Where running tasks are registered for service discovery: {@code <base>/<service>/<task id>}, in Curator's
 * curator-x-discovery layout. {@code port} is announced with every instance when set (tasks get no port from offers).
 */
public record Discovery(String base, String service, Optional<Integer> port) {

    public static final String DEFAULT_BASE = "/discovery";

    public String servicePath() {
        return (base.equals("/") ? "" : base) + "/" + service;
    }
}
