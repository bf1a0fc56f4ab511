package dev.ingest.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived tokens that let whoever holds one read a single job (its status, events and result) without an
 * API key: browsers' {@code EventSource} cannot send an Authorization header, so the token travels as a query
 * parameter. A token is {@code base64url(v1|tenant|jobId|expiry)} and its HMAC-SHA256 under a secret all
 * servers share; nothing is stored per token.
 */
public final class JobTokens {
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

  private final SecretKeySpec key;

  public JobTokens(byte[] secret) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  /** What a valid token grants. */
  public record Grant(String tenant, String jobId, Instant expiresAt) {}

  public String issue(String tenant, String jobId, Instant expiresAt) {
    String claims = "v1|" + tenant + "|" + jobId + "|" + expiresAt.getEpochSecond();
    byte[] body = claims.getBytes(StandardCharsets.UTF_8);
    return ENCODE.encodeToString(body) + "." + ENCODE.encodeToString(mac(body));
  }

  /** The grant of a token that is well formed, signed by this secret and not expired at {@code now}. */
  public Optional<Grant> verify(String token, Instant now) {
    if (token == null || token.length() > 512) {
      return Optional.empty();
    }
    int dot = token.indexOf('.');
    if (dot < 1) {
      return Optional.empty();
    }
    try {
      byte[] body = DECODE.decode(token.substring(0, dot));
      byte[] signature = DECODE.decode(token.substring(dot + 1));
      if (!MessageDigest.isEqual(signature, mac(body))) {
        return Optional.empty();
      }
      String[] claims = new String(body, StandardCharsets.UTF_8).split("\\|");
      if (claims.length != 4 || !claims[0].equals("v1")) {
        return Optional.empty();
      }
      Instant expires = Instant.ofEpochSecond(Long.parseLong(claims[3]));
      return now.isBefore(expires) ? Optional.of(new Grant(claims[1], claims[2], expires)) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
