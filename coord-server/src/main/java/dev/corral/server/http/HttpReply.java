package dev.corral.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One HTTP answer: status, content type, body, and any extra headers (e.g. the snapshot's last_zxid). */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {
    public HttpReply(int status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of());
    }

    /** This answer with one more header. */
    public HttpReply withHeader(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpReply(status, contentType, body, more);
    }

    public static HttpReply json(int status, String json) {
        return new HttpReply(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpReply text(int status, String contentType, String text) {
        return new HttpReply(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }
}
