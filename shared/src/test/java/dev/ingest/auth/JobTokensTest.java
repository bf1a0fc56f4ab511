package dev.ingest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobTokensTest {
  private final JobTokens tokens = new JobTokens("a shared secret of enough length".getBytes(StandardCharsets.UTF_8));
  private final Instant now = Instant.parse("2026-05-01T10:00:00Z");

  @Test
  void aTokenGrantsItsTenantAndJobUntilItExpires() {
    String token = tokens.issue("acme", "job_01", now.plusSeconds(60));
    JobTokens.Grant grant = tokens.verify(token, now).orElseThrow();
    assertEquals("acme", grant.tenant());
    assertEquals("job_01", grant.jobId());
    assertTrue(tokens.verify(token, now.plusSeconds(60)).isEmpty(), "expired at its expiry");
  }

  @Test
  void aTokenSignedWithAnotherSecretOrAlteredIsRefused() {
    String token = tokens.issue("acme", "job_01", now.plusSeconds(60));
    JobTokens other = new JobTokens("another secret of enough length!".getBytes(StandardCharsets.UTF_8));
    assertTrue(other.verify(token, now).isEmpty());
    String forged = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("v1|globex|job_01|9999999999".getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
    assertTrue(tokens.verify(forged, now).isEmpty());
    assertTrue(tokens.verify("garbage", now).isEmpty());
    assertTrue(tokens.verify("a.b", now).isEmpty());
    assertTrue(tokens.verify(null, now).isEmpty());
  }
}
