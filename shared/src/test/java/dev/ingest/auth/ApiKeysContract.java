package dev.ingest.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.InvalidInputException;
import dev.ingest.core.NotFoundException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ApiKeys} store must do. Subclasses supply the store and a look at its raw rows. */
public abstract class ApiKeysContract {
  protected ApiKeys keys;

  protected abstract ApiKeys createKeys();

  /** Every value of every column of the stored keys, as text. */
  protected abstract List<String> storedValues();

  @BeforeEach
  void setUpKeys() {
    keys = createKeys();
  }

  @Test
  void aNewKeyAuthenticatesAsItsTenantWithItsScopes() {
    IssuedKey issued = keys.create("acme", EnumSet.of(Scope.UPLOAD, Scope.READ), "ci");
    ApiKey key = keys.authenticate(issued.token()).orElseThrow();
    assertEquals("acme", key.tenant());
    assertEquals(Set.of(Scope.UPLOAD, Scope.READ), key.scopes());
    assertEquals(issued.key().id(), key.id());
    assertTrue(issued.token().startsWith(key.id() + "."));
  }

  @Test
  void theSecretIsStoredOnlyAsAHash() {
    IssuedKey issued = keys.create("acme", Scope.DEFAULT, null);
    String secret = issued.token().substring(issued.token().indexOf('.') + 1);
    for (String value : storedValues()) {
      assertFalse(value.contains(secret), "the secret is stored as it is: " + value);
    }
  }

  @Test
  void aWrongSecretAMalformedTokenOrAnUnknownIdIsRefused() {
    IssuedKey issued = keys.create("acme", Scope.DEFAULT, null);
    String token = issued.token();
    String wrongSecret = token.substring(0, token.length() - 1) + (token.endsWith("a") ? "b" : "a");
    assertTrue(keys.authenticate(wrongSecret).isEmpty());
    assertTrue(keys.authenticate("key_00000000000000000000000000.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").isEmpty());
    assertTrue(keys.authenticate("not a token").isEmpty());
    assertTrue(keys.authenticate("").isEmpty());
    assertTrue(keys.authenticate(token + "'; DROP TABLE api_keys; --").isEmpty());
    assertTrue(keys.authenticate(token).isPresent(), "the right token still works");
  }

  @Test
  void aRevokedKeyIsRefusedAndListedAsRevoked() {
    IssuedKey a = keys.create("acme", Scope.DEFAULT, "a");
    IssuedKey b = keys.create("globex", EnumSet.of(Scope.ADMIN), "b");
    ApiKey revoked = keys.revoke(a.key().id());
    assertTrue(revoked.revoked());
    assertTrue(keys.authenticate(a.token()).isEmpty());
    assertTrue(keys.authenticate(b.token()).isPresent());
    List<ApiKey> all = keys.list();
    // why: listed by id, which sorts by the millisecond of creation; two keys made in the same one (as here,
    // now and then) sort by their random part
    assertEquals(java.util.stream.Stream.of(a.key().id(), b.key().id()).sorted().toList(), all.stream().map(ApiKey::id).toList());
    java.util.Map<String, Boolean> revokedById =
        all.stream().collect(java.util.stream.Collectors.toMap(ApiKey::id, ApiKey::revoked));
    assertTrue(revokedById.get(a.key().id()));
    assertFalse(revokedById.get(b.key().id()));
    assertThrows(NotFoundException.class, () -> keys.revoke("key_00000000000000000000000000"));
  }

  @Test
  void tenantNamesAreChecked() {
    assertThrows(InvalidInputException.class, () -> keys.create("Acme Corp", Scope.DEFAULT, null));
    assertThrows(InvalidInputException.class, () -> keys.create("", Scope.DEFAULT, null));
    assertThrows(InvalidInputException.class, () -> keys.create("a|b", Scope.DEFAULT, null));
  }

  @Test
  void theSharedSecretIsMadeOnceAndThenTheSameForEveryone() {
    byte[] first = keys.sharedSecret("job-tokens");
    assertTrue(first.length >= 32);
    assertArrayEquals(first, createKeys().sharedSecret("job-tokens"));
    assertFalse(java.util.Arrays.equals(first, keys.sharedSecret("other")));
  }
}
