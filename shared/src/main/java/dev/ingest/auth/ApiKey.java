package dev.ingest.auth;

import java.time.Instant;
import java.util.Set;

/** An API key as stored: never its secret, which only the holder has. */
public record ApiKey(String id, String tenant, Set<Scope> scopes, String name, Instant createdAt, Instant revokedAt) {
  public boolean revoked() {
    return revokedAt != null;
  }
}
