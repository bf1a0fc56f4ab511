package dev.ingest.auth;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The HTTP server's API keys. Secrets are kept only as hashes; a token is shown once, when made. */
public interface ApiKeys {

  /** Makes a key for a tenant; its token is in the result and nowhere else. */
  IssuedKey create(String tenant, Set<Scope> scopes, String name);

  /** Every key, revoked ones included, oldest first. */
  List<ApiKey> list();

  /** Revokes a key; {@link dev.ingest.core.NotFoundException} when there is none of that id. */
  ApiKey revoke(String keyId);

  /** The live key a presented token belongs to; empty for a malformed, unknown, wrong or revoked one. */
  Optional<ApiKey> authenticate(String token);

  /**
   * A random secret every server process of this database shares, made on first use: it signs short-lived
   * job tokens, so that any server accepts a token another one issued.
   */
  byte[] sharedSecret(String name);
}
