package dev.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.InvalidInputException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PEM certificate and key, as certificate authorities and Let's Encrypt hand them out. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TlsTest {
  @TempDir Path dir;

  /** A self-signed certificate for 127.0.0.1 made with the JDK's keytool, written out as PEM files. */
  private X509Certificate selfSigned(Path cert, Path key) throws Exception {
    Path store = dir.resolve("tls.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "ingest", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    Certificate c = ks.getCertificate("ingest");
    Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + mime.encodeToString(ks.getKey("ingest", "changeit".toCharArray()).getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    return (X509Certificate) c;
  }

  @Test
  void theServerSpeaksHttpsWithAPemCertificateAndKey() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    X509Certificate certificate = selfSigned(cert, key);
    try (ServerHarness h = new ServerHarness(dir.resolve("srv"), Map.of(), o -> new ServerOptions(o.host(), o.port(), o.noAuth(),
        o.limits(), o.rateLimit(), o.corsOrigins(), cert, key, o.idleTimeout(), o.shutdownGrace(), o.tusExpiry(), o.tokenTtl(),
        o.eventsPoll(), o.eventsHeartbeat()))) {
      assertTrue(h.server.url().startsWith("https://"), h.server.url());
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ingest", certificate);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      OkHttpClient https = new OkHttpClient.Builder()
          .sslSocketFactory(ssl.getSocketFactory(), (X509TrustManager) tmf.getTrustManagers()[0]).build();
      try (Response r = https.newCall(new Request.Builder().url(h.url("/healthz")).build()).execute()) {
        assertEquals(200, r.code());
      }
      try (Response r = https.newCall(new Request.Builder().url(h.url("/v1/jobs")).header("Authorization", "Bearer " + h.key("acme")).build()).execute()) {
        assertEquals(200, r.code());
      }
      https.connectionPool().evictAll();
    }
  }

  @Test
  void aKeyThatIsNotPkcs8IsRefusedWithTheWayToConvertIt() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    selfSigned(cert, key);
    Path rsa = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Pem.keyStore(cert, rsa));
    assertTrue(e.getMessage().contains("openssl pkcs8"), e.getMessage());
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
    assertThrows(InvalidInputException.class, () -> Pem.keyStore(garbage, key));
  }
}
