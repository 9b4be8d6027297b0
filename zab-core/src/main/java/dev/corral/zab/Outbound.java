package dev.corral.zab;

/** A message to send to peer {@code to}. */
public record Outbound(int to, Message message) {}
