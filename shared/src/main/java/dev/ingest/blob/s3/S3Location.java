package dev.ingest.blob.s3;

import dev.ingest.core.InvalidInputException;
import java.net.URI;

/**
 * Where an S3 store lives: {@code s3://bucket/prefix} plus, for S3-compatible servers (MinIO, Ceph, R2), an
 * endpoint, a region and path-style addressing.
 */
public record S3Location(String bucket, String prefix, URI endpoint, String region, boolean pathStyle) {
  public static final String DEFAULT_REGION = "us-east-1";

  public static S3Location parse(String url, String endpoint, String region, boolean pathStyle) {
    if (!url.startsWith("s3://") || url.length() <= "s3://".length()) {
      throw new InvalidInputException("invalid store '" + url + "' (expected s3://bucket/prefix)");
    }
    String rest = url.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    if (bucket.isBlank()) {
      throw new InvalidInputException("invalid store '" + url + "': no bucket");
    }
    URI uri;
    try {
      uri = endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("invalid S3 endpoint '" + endpoint + "'");
    }
    return new S3Location(bucket, prefix, uri, region == null || region.isBlank() ? DEFAULT_REGION : region, pathStyle);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
  }
}
