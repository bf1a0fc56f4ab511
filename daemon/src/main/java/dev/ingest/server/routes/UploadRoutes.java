package dev.ingest.server.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.auth.Scope;
import dev.ingest.server.ApiError;
import dev.ingest.server.Exchange;
import dev.ingest.server.FormReceiver;
import dev.ingest.server.Router;
import dev.ingest.server.Router.Access;
import dev.ingest.server.UploadResults;
import dev.ingest.upload.UploadService;
import java.util.List;

/**
 * {@code POST /v1/uploads}: a {@code multipart/form-data} body with one or more {@code file} fields (Uppy's
 * XHRUpload sends {@code files[]} when bundling) and the optional job fields. Files stream into the store as
 * they arrive; each gets a job; the answer is 202 with the job, or {@code {"jobs": […]}} for several files.
 */
public final class UploadRoutes {
  private final FormReceiver receiver;
  private final UploadResults results;

  public UploadRoutes(FormReceiver receiver, UploadResults results) {
    this.receiver = receiver;
    this.results = results;
  }

  public void register(Router router) {
    router.add("POST", "/v1/uploads", Access.KEY, this::upload);
  }

  private void upload(Exchange ex) throws Exception {
    ex.principal().require(Scope.UPLOAD);
    List<UploadService.Admitted> admitted = receiver.receive(ex, ex.principal().tenant());
    if (admitted.isEmpty()) {
      throw ApiError.badRequest("no file in the form: send it in a field named 'file'");
    }
    if (admitted.size() == 1) {
      ex.json(202, results.json(ex, admitted.get(0)));
      return;
    }
    ObjectNode body = dev.ingest.json.Json.object();
    var jobs = body.putArray("jobs");
    admitted.forEach(a -> jobs.add(results.json(ex, a)));
    ex.json(202, body);
  }
}
