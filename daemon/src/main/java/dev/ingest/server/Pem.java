package dev.ingest.server;

import dev.ingest.core.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * A key store made of PEM files, as certificate authorities and Let's Encrypt hand them out: a certificate
 * chain and an unencrypted PKCS#8 private key (RSA, EC or Ed25519).
 */
final class Pem {
  static final char[] PASSWORD = new char[0];

  private Pem() {}

  static KeyStore keyStore(Path certFile, Path keyFile) {
    try {
      Collection<? extends Certificate> chain =
          CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(read(certFile, "--tls-cert")));
      if (chain.isEmpty()) {
        throw new InvalidInputException("--tls-cert " + certFile + " holds no certificate");
      }
      PrivateKey key = privateKey(new String(read(keyFile, "--tls-key"), StandardCharsets.US_ASCII), keyFile);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("ingest", key, PASSWORD, chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidInputException("cannot use the TLS certificate and key: " + e.getMessage(), e);
    }
  }

  private static byte[] read(Path file, String flag) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + flag + " " + file + ": " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(String pem, Path file) throws GeneralSecurityException {
    if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("ENCRYPTED")) {
      throw new InvalidInputException(
          "--tls-key " + file + " must be an unencrypted PKCS#8 key ('BEGIN PRIVATE KEY'); convert it with "
              + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem'");
    }
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new InvalidInputException("--tls-key " + file + " holds no 'BEGIN PRIVATE KEY' block");
    }
    String body = pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next kind of key
      }
    }
    throw new InvalidInputException("--tls-key " + file + " is not an RSA, EC or Ed25519 key");
  }
}
