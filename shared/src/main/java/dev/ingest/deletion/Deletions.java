package dev.ingest.deletion;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The database's side of deleting jobs and files for good. {@link #delete} removes rows in one transaction
 * and lists, in that transaction, the store objects left behind; the caller deletes those objects and
 * crosses each off with {@link #objectDeleted}. A crash between the two leaves no row half-deleted, only
 * listed objects that {@link #pendingObjects} hands to the next sweep.
 */
public interface Deletions {

  /** What one {@link #delete} removed: the jobs and files whose rows are gone. */
  record Removed(List<String> jobs, List<String> files) {}

  /**
   * In one transaction: deletes the jobs among {@code jobIds} that have finished (or whose lease ran out
   * unrenewed), with their errors, pending events and tus records; records a {@code job.deleted} event with
   * each one's body from {@code bodies} while someone subscribes; deletes the files among {@code fileIds} and
   * the deleted jobs' files that no job uses any more; lists the store objects: each job's results and each
   * deleted file's bytes. Jobs still running and files still in use are left.
   */
  Removed delete(Collection<String> jobIds, Collection<String> fileIds, Map<String, String> bodies, List<String> resultNames);

  /** The ids of the jobs that use this file. */
  List<String> jobsOfFile(String fileId);

  /** Store objects listed by deletions and not yet crossed off, oldest first. */
  List<String> pendingObjects(int limit);

  void objectDeleted(String key);
}
