package dev.ingest.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Masks secrets before anything is shown: passwords in URLs, and values of keys that name a secret. */
public final class Secrets {
  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@]+:)[^@]*(@)");
  private static final Pattern QUERY_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

  private Secrets() {}

  public static String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    return QUERY_PASSWORD.matcher(URL_PASSWORD.matcher(url).replaceAll("$1***$2")).replaceAll("$1***");
  }

  public static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("secret") || k.contains("password") || k.contains("api-key") || k.contains("api_key")
        || k.endsWith("token") || k.contains("credential");
  }

  public static String mask(String key, String value) {
    if (value == null) {
      return null;
    }
    return isSecretKey(key) ? "***" : maskUrl(value);
  }
}
