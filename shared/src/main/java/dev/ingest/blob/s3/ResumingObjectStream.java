package dev.ingest.blob.s3;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongFunction;

/**
 * An object's body that picks up where it broke off: when the connection fails mid-read, the rest is asked for
 * again from the offset reached (a ranged GET of the same version), a few times, so a reset near the end of a
 * large object costs neither the bytes already read nor the job's attempt.
 */
final class ResumingObjectStream extends InputStream {
  private final long length;
  private final LongFunction<InputStream> openAt;
  private final int maxResumes;
  private InputStream current;
  private long position;
  private int resumes;

  /**
   * @param first the body of the first GET
   * @param length the object's length
   * @param openAt opens the body from an offset to the end, of the same version, or throws
   * @param maxResumes how many times a broken body is asked for again
   */
  ResumingObjectStream(InputStream first, long length, LongFunction<InputStream> openAt, int maxResumes) {
    this.current = first;
    this.length = length;
    this.openAt = openAt;
    this.maxResumes = maxResumes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      try {
        int n = current.read(b, off, len);
        if (n > 0) {
          position += n;
          return n;
        }
        if (n < 0 && position < length) {
          throw new IOException("the body ended at byte " + position + " of " + length);
        }
        return n;
      } catch (IOException e) {
        if (position >= length || resumes >= maxResumes) {
          throw e;
        }
        resumes++;
        closeQuietly(current);
        try {
          current = openAt.apply(position);
        } catch (RuntimeException reopen) {
          reopen.addSuppressed(e);
          throw new IOException("reading again from byte " + position + " failed: " + reopen.getMessage(), reopen);
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    current.close();
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException | RuntimeException e) {
      // the connection is broken already
    }
  }
}
