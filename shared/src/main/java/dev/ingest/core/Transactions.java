package dev.ingest.core;

import java.util.function.Supplier;

/**
 * Runs work in one database transaction: the catalog and queue calls made inside it commit together or not at
 * all. {@link #NONE} runs the work as it is (each call its own transaction).
 */
@FunctionalInterface
public interface Transactions {
  <T> T inTransaction(Supplier<T> work);

  Transactions NONE = new Transactions() {
    @Override
    public <T> T inTransaction(Supplier<T> work) {
      return work.get();
    }
  };
}
