package dev.ingest.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a server, as a load balancer stands: clients keep its address while the server
 * behind it is replaced; it can slow what clients send to {@code bytesPerSecond}, so a test can stop an
 * upload half way, and reset connections part way through what the server answers.
 */
public final class Relay implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile int backend;
  private volatile long bytesPerSecond;
  private volatile Cut cut;
  private final AtomicInteger resets = new AtomicInteger();

  /** Connections to reset once {@code afterBytes} more of the server's answer went through them. */
  private record Cut(long afterBytes, AtomicInteger remaining) {}

  public Relay(int backend) throws IOException {
    this.backend = backend;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  /** Sends new connections to another server. */
  public void pointAt(int port) {
    backend = port;
  }

  /** Caps what clients send, per connection; 0 for no cap. */
  public void limit(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
  }

  /**
   * From now on, resets (TCP RST) the next {@code times} connections that pass {@code afterBytes} more bytes
   * of the server's answers to the client, after exactly that many.
   */
  public void resetAnswersAfter(long afterBytes, int times) {
    cut = new Cut(afterBytes, new AtomicInteger(times));
  }

  /** How many connections were reset so far. */
  public int resets() {
    return resets.get();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), backend);
        open.add(client);
        open.add(server);
        pump(client, server, true);
        pump(server, client, false);
      } catch (IOException e) {
        // closed, or the backend is down: the client sees its connection fail
      }
    }
  }

  private void pump(Socket from, Socket to, boolean upstream) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      Cut seen = null;
      long sinceCut = 0;
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        long start = System.nanoTime();
        long sent = 0;
        while ((n = in.read(buffer, 0, upstream && bytesPerSecond > 0 ? 16 * 1024 : buffer.length)) > 0) {
          Cut now = cut;
          if (!upstream && now != seen) {
            seen = now;
            sinceCut = 0;
          }
          if (!upstream && seen != null && sinceCut + n > seen.afterBytes() && seen.remaining().getAndDecrement() > 0) {
            out.write(buffer, 0, (int) (seen.afterBytes() - sinceCut));
            out.flush();
            resets.incrementAndGet();
            reset(to);
            reset(from);
            return;
          }
          sinceCut += n;
          out.write(buffer, 0, n);
          out.flush();
          sent += n;
          long cap = bytesPerSecond;
          if (upstream && cap > 0) {
            long due = start + sent * 1_000_000_000L / cap;
            long wait = due - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
          }
        }
      } catch (IOException | InterruptedException e) {
        // one side went away
      } finally {
        close(from);
        close(to);
      }
    }, "relay-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Closes with a TCP RST rather than a FIN: what a peer sees when a connection is torn down. */
  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    close(s);
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    open.forEach(Relay::close);
  }
}
