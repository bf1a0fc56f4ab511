package dev.ingest.upload;

import dev.ingest.blob.UploadedPart;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Durable record of unfinished uploads and the parts they have sent. */
public interface UploadSessions {

  Optional<UploadSession> findByPath(String absolutePath);

  void save(UploadSession session);

  void recordPart(String sessionId, UploadedPart part);

  List<UploadedPart> parts(String sessionId);

  void delete(String sessionId);

  List<UploadSession> startedBefore(Instant cutoff);
}
