package dev.corral.server.http;

import java.nio.charset.StandardCharsets;

/** One HTTP answer: status, content type and body. */
public record HttpReply(int status, String contentType, byte[] body) {
    public static HttpReply json(int status, String json) {
        return new HttpReply(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpReply text(int status, String contentType, String text) {
        return new HttpReply(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }
}
