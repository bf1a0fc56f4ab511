package dev.ingest.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The parameters of a {@code Content-Disposition} header: {@code form-data; name="file"; filename="a.pdf"}. */
final class ContentDisposition {
  private ContentDisposition() {}

  /** Parameter names lower-cased; quoted values unquoted; {@code filename*} (RFC 5987) decoded. */
  static Map<String, String> parameters(String header) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = header.indexOf(';');
    while (i >= 0 && i < header.length()) {
      i++;
      while (i < header.length() && header.charAt(i) == ' ') {
        i++;
      }
      int eq = header.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String key = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
      int j = eq + 1;
      String value;
      if (j < header.length() && header.charAt(j) == '"') {
        StringBuilder sb = new StringBuilder();
        j++;
        while (j < header.length() && header.charAt(j) != '"') {
          char c = header.charAt(j);
          if (c == '\\' && j + 1 < header.length()) {
            c = header.charAt(++j);
          }
          sb.append(c);
          j++;
        }
        value = sb.toString();
        i = header.indexOf(';', j);
      } else {
        int end = header.indexOf(';', j);
        value = (end < 0 ? header.substring(j) : header.substring(j, end)).trim();
        i = end;
      }
      if (key.equals("filename*")) {
        value = extended(value);
      }
      out.put(key, value);
    }
    return out;
  }

  private static String extended(String value) {
    int first = value.indexOf('\'');
    int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
    if (second < 0) {
      return value;
    }
    try {
      return URLDecoder.decode(value.substring(second + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return value.substring(second + 1);
    }
  }
}
