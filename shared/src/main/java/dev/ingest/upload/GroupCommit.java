package dev.ingest.upload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Group commit: threads that each have one item to write hand it in, and whichever thread finds no write
 * under way writes everything handed in meanwhile as one batch, while the others wait for their result. With
 * one thread it is a plain call; with many, one transaction serves them all instead of each queueing for the
 * database's write lock. When a batch fails as a whole, its items are written one by one, so one item's error
 * is that item's alone.
 */
final class GroupCommit<I, O> {
  private final Function<List<I>, List<O>> batch;
  private final Function<I, O> single;
  private final Object lock = new Object();
  private List<Slot<I, O>> pending = new ArrayList<>(); // guarded by lock
  private boolean writing; // guarded by lock

  private record Slot<I, O>(I item, CompletableFuture<O> result) {}

  GroupCommit(Function<List<I>, List<O>> batch, Function<I, O> single) {
    this.batch = batch;
    this.single = single;
  }

  O submit(I item) {
    Slot<I, O> mine = new Slot<>(item, new CompletableFuture<>());
    boolean lead;
    synchronized (lock) {
      pending.add(mine);
      lead = !writing;
      writing = true;
    }
    if (lead) {
      writeWhilePending();
    }
    try {
      return mine.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.ingest.core.UnavailableException("interrupted while registering the upload", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Items handed in and not yet taken by a write. */
  int pendingCount() {
    synchronized (lock) {
      return pending.size();
    }
  }

  private void writeWhilePending() {
    while (true) {
      List<Slot<I, O>> group;
      synchronized (lock) {
        if (pending.isEmpty()) {
          writing = false;
          return;
        }
        group = pending;
        pending = new ArrayList<>();
      }
      write(group);
    }
  }

  private void write(List<Slot<I, O>> group) {
    if (group.size() > 1) {
      try {
        List<O> results = batch.apply(group.stream().map(Slot::item).toList());
        for (int i = 0; i < group.size(); i++) {
          group.get(i).result().complete(results.get(i));
        }
        return;
      } catch (RuntimeException e) {
        // why: rolled back as a whole (a duplicate, a dedupe key, a lost connection); each alone says whose it was.
      }
    }
    for (Slot<I, O> slot : group) {
      try {
        slot.result().complete(single.apply(slot.item()));
      } catch (RuntimeException e) {
        slot.result().completeExceptionally(e);
      } catch (Error e) {
        slot.result().completeExceptionally(e);
        throw e;
      }
    }
  }
}
