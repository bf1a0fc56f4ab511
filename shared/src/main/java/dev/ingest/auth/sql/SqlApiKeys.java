package dev.ingest.auth.sql;

import dev.ingest.auth.ApiKey;
import dev.ingest.auth.ApiKeys;
import dev.ingest.auth.IssuedKey;
import dev.ingest.auth.Scope;
import dev.ingest.auth.Tenants;
import dev.ingest.core.Clock;
import dev.ingest.core.Ids;
import dev.ingest.core.NotFoundException;
import dev.ingest.queue.sql.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link ApiKeys} in the queue's database. */
public final class SqlApiKeys implements ApiKeys {
  /** 32 characters of 5 bits: 160 random bits, beyond guessing, so one SHA-256 round protects them at rest. */
  static final int SECRET_CHARS = 32;

  private static final Pattern TOKEN = Pattern.compile("(key_[0-9a-z]{26})\\.([0-9a-z]{" + SECRET_CHARS + "})");

  private static final RowMapper<ApiKey> MAPPER =
      (rs, ctx) -> {
        long revoked = rs.getLong("revoked_at");
        Instant revokedAt = rs.wasNull() ? null : Instant.ofEpochMilli(revoked);
        return new ApiKey(
            rs.getString("id"),
            rs.getString("tenant"),
            Scope.parse(rs.getString("scopes")),
            rs.getString("name"),
            Instant.ofEpochMilli(rs.getLong("created_at")),
            revokedAt);
      };

  private final Database db;
  private final Clock clock;

  public SqlApiKeys(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public IssuedKey create(String tenant, Set<Scope> scopes, String name) {
    Tenants.requireValid(tenant);
    Instant now = clock.now();
    String id = Ids.generate("key_", now.toEpochMilli());
    String secret = Ids.secret(SECRET_CHARS);
    db.withHandle(
        h -> h.createUpdate(
                "INSERT INTO api_keys (id, tenant, scopes, secret_sha256, name, created_at) "
                    + "VALUES (:id, :tenant, :scopes, :hash, :name, :at)")
            .bind("id", id)
            .bind("tenant", tenant)
            .bind("scopes", Scope.format(scopes))
            .bind("hash", sha256(secret))
            .bind("name", name)
            .bind("at", now.toEpochMilli())
            .execute());
    return new IssuedKey(new ApiKey(id, tenant, Set.copyOf(scopes), name, now, null), id + "." + secret);
  }

  @Override
  public List<ApiKey> list() {
    return db.withHandle(h -> h.createQuery("SELECT * FROM api_keys ORDER BY id").map(MAPPER).list());
  }

  @Override
  public ApiKey revoke(String keyId) {
    long now = clock.now().toEpochMilli();
    db.withHandle(
        h -> h.createUpdate("UPDATE api_keys SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
            .bind("now", now)
            .bind("id", keyId)
            .execute());
    return db.withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE id = :id").bind("id", keyId).map(MAPPER).findFirst())
        .orElseThrow(() -> new NotFoundException("no API key " + keyId));
  }

  @Override
  public Optional<ApiKey> authenticate(String token) {
    if (token == null) {
      return Optional.empty();
    }
    var m = TOKEN.matcher(token);
    if (!m.matches()) {
      return Optional.empty();
    }
    String id = m.group(1);
    byte[] presented = sha256(m.group(2)).getBytes(StandardCharsets.US_ASCII);
    return db.withHandle(
            h -> h.createQuery("SELECT * FROM api_keys WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Object[] {MAPPER.map(rs, ctx), rs.getString("secret_sha256")})
                .findFirst())
        .filter(row -> MessageDigest.isEqual(presented, ((String) row[1]).getBytes(StandardCharsets.US_ASCII)))
        .map(row -> (ApiKey) row[0])
        .filter(key -> !key.revoked());
  }

  @Override
  public byte[] sharedSecret(String name) {
    String fresh = Ids.secret(52); // 260 bits
    return db.withHandle(
            h -> {
              // why: ON CONFLICT DO NOTHING reads the same in SQLite and PostgreSQL; the first server to ask wins.
              h.createUpdate(
                      "INSERT INTO server_secrets (name, secret, created_at) VALUES (:name, :secret, :at) "
                          + "ON CONFLICT (name) DO NOTHING")
                  .bind("name", name)
                  .bind("secret", fresh)
                  .bind("at", clock.now().toEpochMilli())
                  .execute();
              return h.createQuery("SELECT secret FROM server_secrets WHERE name = :name")
                  .bind("name", name)
                  .mapTo(String.class)
                  .one();
            })
        .getBytes(StandardCharsets.US_ASCII);
  }

  static String sha256(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
