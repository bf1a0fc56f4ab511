package dev.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest keys} and the checks {@code ingest serve} makes before it opens anything. */
class KeysAndServeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir.resolve("home"));
  }

  private static void assertOneLine(Cli.Result r, int code, String fragment) {
    assertEquals(code, r.code(), "stdout: " + r.out() + " stderr: " + r.err());
    assertTrue(r.err().startsWith("ingest: "), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(fragment), r.err());
  }

  @Test
  void aKeyIsPrintedOnceListedWithoutItsSecretAndRevoked() throws Exception {
    Cli.Result created = cli.run("keys", "create", "--tenant", "acme", "--scope", "upload,admin", "--name", "ci", "--json");
    assertEquals(0, created.code(), created.err());
    JsonNode key = JSON.readTree(created.out());
    String token = key.path("key").asText();
    assertTrue(token.startsWith(key.path("id").asText() + "."), token);
    assertEquals("acme", key.path("tenant").asText());
    assertEquals("[\"upload\",\"admin\"]", key.path("scopes").toString());

    Cli.Result plain = cli.run("keys", "create", "--tenant", "globex");
    assertEquals(0, plain.code());
    assertEquals(1, plain.out().strip().lines().count(), "only the token on stdout, for $(…)");
    assertTrue(plain.err().contains("shown only now"));

    Cli.Result list = cli.run("keys", "list");
    assertEquals(0, list.code());
    assertTrue(list.out().contains(key.path("id").asText()));
    assertFalse(list.out().contains(token.substring(token.indexOf('.') + 1)), "never the secret");
    assertFalse(Files.readString(dir.resolve("home/ingest.db"), java.nio.charset.StandardCharsets.ISO_8859_1)
        .contains(token.substring(token.indexOf('.') + 1)), "the database holds a hash, not the secret");

    assertEquals(0, cli.run("keys", "revoke", key.path("id").asText()).code());
    assertTrue(cli.run("keys", "list", "--json").out().contains("\"revokedAt\":\"20"));
    assertOneLine(cli.run("keys", "revoke", "key_00000000000000000000000000"), 3, "no API key");
  }

  @Test
  void badKeyOptionsExit2() {
    assertOneLine(cli.run("keys", "create", "--tenant", "Acme Corp"), 2, "invalid tenant");
    assertOneLine(cli.run("keys", "create", "--tenant", "acme", "--scope", "root"), 2, "unknown scope");
    assertEquals(2, cli.run("keys", "create").code(), "--tenant is required");
  }

  @Test
  void serveChecksItsFlagsBeforeOpeningAnything() {
    assertOneLine(cli.run("serve", "--no-auth", "--listen", "0.0.0.0:8080"), 2, "loopback");
    assertOneLine(cli.run("serve", "--listen", "nowhere"), 2, "HOST:PORT");
    assertOneLine(cli.run("serve", "--listen", "127.0.0.1:99999"), 2, "port");
    assertOneLine(cli.run("serve", "--max-upload-size", "lots"), 2, "invalid size");
    assertOneLine(cli.run("serve", "--allowed-types", "pdf"), 2, "invalid media type");
    assertOneLine(cli.run("serve", "--rate-limit", "-1"), 2, "--rate-limit");
    assertOneLine(cli.run("serve", "--tls-cert", dir.resolve("cert.pem").toString()), 2, "go together");
    assertOneLine(cli.run("serve", "--tls-cert", dir.resolve("cert.pem").toString(), "--tls-key", dir.resolve("key.pem").toString()),
        2, "cannot read");
    assertOneLine(cli.run("serve", "--idle-timeout", "0s"), 2, "--idle-timeout");
    assertFalse(Files.exists(dir.resolve("home/ingest.db")), "no database was opened for a bad flag");
  }

  @Test
  void remoteModeWithAnUnreachableServerExits4AndABadUrlExits2() {
    assertOneLine(cli.run("--server", "http://127.0.0.1:1", "jobs", "list"), 4, "cannot reach the server");
    assertOneLine(cli.run("--server", "not a url", "jobs", "list"), 2, "--server");
    assertFalse(Files.exists(dir.resolve("home/ingest.db")), "remote mode never opens a database");
  }
}
