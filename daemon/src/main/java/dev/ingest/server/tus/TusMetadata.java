package dev.ingest.server.tus;

import dev.ingest.server.ApiError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code Upload-Metadata} header of tus 1.0: comma-separated pairs of a key and, after one space, its
 * value in Base64. Keys are non-empty and hold no spaces or commas; a key may come without a value.
 */
public final class TusMetadata {
  private TusMetadata() {}

  public static Map<String, String> parse(String header) {
    Map<String, String> out = new LinkedHashMap<>();
    if (header == null || header.isBlank()) {
      return out;
    }
    for (String pair : header.split(",", -1)) {
      String p = pair.trim();
      if (p.isEmpty()) {
        throw malformed("an empty pair");
      }
      int space = p.indexOf(' ');
      String key = space < 0 ? p : p.substring(0, space);
      String encoded = space < 0 ? "" : p.substring(space + 1);
      if (key.isEmpty() || encoded.contains(" ")) {
        throw malformed("'" + p + "' is not a key and one Base64 value");
      }
      for (int i = 0; i < key.length(); i++) {
        char c = key.charAt(i);
        if (c <= ' ' || c >= 127) {
          throw malformed("key '" + key + "' holds a character other than printable ASCII");
        }
      }
      String value;
      try {
        value = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw malformed("the value of '" + key + "' is not Base64");
      }
      if (out.put(key, value) != null) {
        throw malformed("key '" + key + "' appears twice");
      }
    }
    return out;
  }

  private static ApiError malformed(String why) {
    return ApiError.badRequest("malformed Upload-Metadata: " + why);
  }
}
