package dev.ingest.queue;

/**
 * Tells an idle worker that new jobs arrived, so it need not wait for its next poll: PostgreSQL pushes
 * ({@code LISTEN/NOTIFY}), SQLite is watched for other connections' commits. {@link #NONE} leaves the
 * worker to poll.
 */
public interface Wakeups extends AutoCloseable {
  /** Starts listening; {@code onJobs} is called (from another thread) with the queue that received jobs. */
  void start(java.util.function.Consumer<String> onJobs);

  @Override
  void close();

  Wakeups NONE =
      new Wakeups() {
        @Override
        public void start(java.util.function.Consumer<String> onJobs) {}

        @Override
        public void close() {}
      };
}
