package dev.ingest.blob.s3;

import dev.ingest.core.IngestException;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.NotFoundException;
import dev.ingest.core.UnavailableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The one translation of the AWS SDK's errors into ingest's: what is missing is not found (exit 3, 404), a
 * refused checksum is the caller's (2, 400), refused credentials and a missing bucket are unavailable and not
 * worth a retry, and everything else (5xx, throttling, network) is unavailable and retryable.
 */
final class S3Errors {
  private S3Errors() {}

  static IngestException translate(SdkException e, String key, S3Location location) {
    if (e instanceof NoSuchKeyException || e instanceof NoSuchUploadException) {
      return new NotFoundException("no " + (e instanceof NoSuchUploadException ? "upload" : "object") + " " + key + " in " + location);
    }
    if (e instanceof S3Exception) {
      S3Exception s3e = (S3Exception) e;
      int status = s3e.statusCode();
      String code = s3e.awsErrorDetails() == null ? "" : s3e.awsErrorDetails().errorCode();
      if (status == 404 && "NoSuchBucket".equals(code)) {
        return new UnavailableException("bucket " + location.bucket() + " does not exist at " + location, false, e);
      }
      if (status == 404) {
        return new NotFoundException(("NoSuchUpload".equals(code) ? "no upload for " : "no object ") + key + " in " + location);
      }
      if (status == 403 || status == 401) {
        return new UnavailableException("access to " + location + " denied (" + code + "): check the credentials", false, e);
      }
      String message = s3e.awsErrorDetails() == null ? "" : String.valueOf(s3e.awsErrorDetails().errorMessage());
      // why: S3 says BadDigest or …Checksum…; S3Mock says BadRequest with a message about the checksum header.
      if (status == 400 && (code != null && code.contains("Checksum") || message.toLowerCase(java.util.Locale.ROOT).contains("checksum"))
          || "BadDigest".equals(code)) {
        return new InvalidInputException("S3 rejected " + key + ": checksum mismatch (" + code + ")", e);
      }
      return new UnavailableException("S3 " + location + " failed on " + key + ": " + status + " " + code, status >= 500, e);
    }
    if (e instanceof SdkClientException) {
      if (String.valueOf(e.getMessage()).startsWith("Unable to load credentials")) {
        // why: the SDK's message names every provider it tried, on one line of a thousand characters.
        return new UnavailableException(
            "no AWS credentials for " + location + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                + "or AWS_PROFILE, or run where an instance or container role applies", false, e);
      }
      return new UnavailableException("S3 " + location + " is unreachable: " + firstLine(e.getMessage()), e);
    }
    return new UnavailableException("S3 " + location + " failed on " + key + ": " + firstLine(e.getMessage()), e);
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse(s);
  }
}
