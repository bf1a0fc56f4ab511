package dev.ingest.server;

import dev.ingest.auth.Scope;
import java.util.Set;

/**
 * Who a request acts for: a tenant and what it may do. {@code jobId} is set when the request came with a job
 * token, which lets it read that one job only. {@code bucket} names its rate-limit budget.
 */
public record Principal(String tenant, Set<Scope> scopes, String jobId, String bucket) {

  /** Throws 403 unless this principal holds the scope. */
  public void require(Scope scope) {
    if (!scope.grantedBy(scopes)) {
      throw ApiError.forbidden("this key lacks the '" + scope.wireName() + "' scope");
    }
  }

  /** Throws 403 when the request holds a token for another job than {@code id}, or a token at all for a route of no job. */
  public void requireJob(String id) {
    if (jobId != null && !jobId.equals(id)) {
      throw ApiError.forbidden("this token is for another job");
    }
  }
}
