package dev.ingest.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A fault switch in front of a real implementation of one of our ports ({@code JobQueue}, {@code BlobStore}):
 * every call goes through to the real thing unless the test has told that method to fail, as a database or
 * a store that is down would. For tests only; switched per test, counted per method.
 */
public final class Faults<T> {
  private final Map<String, Supplier<? extends RuntimeException>> failing = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final T proxy;

  private Faults(Class<T> type, T target) {
    InvocationHandler handler = (p, method, args) -> {
      calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
      Supplier<? extends RuntimeException> fault = failing.get(method.getName());
      if (fault != null) {
        throw fault.get();
      }
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    this.proxy = type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  public static <T> Faults<T> of(Class<T> type, T target) {
    return new Faults<>(type, target);
  }

  /** What the code under test is given. */
  public T proxy() {
    return proxy;
  }

  /** From now on, every call of {@code method} throws what {@code fault} makes. */
  public Faults<T> fail(String method, Supplier<? extends RuntimeException> fault) {
    failing.put(method, fault);
    return this;
  }

  public Faults<T> heal(String method) {
    failing.remove(method);
    return this;
  }

  public int calls(String method) {
    AtomicInteger n = calls.get(method);
    return n == null ? 0 : n.get();
  }
}
