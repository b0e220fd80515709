package io.braid.balancer.spi;

import io.braid.api.LoadBalancer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load balancer providers known by name.
 *
 * <p>An ordinary object: tests and applications that want full control build one with
 * {@code new LoadBalancerRegistry()} and {@link #register} providers by hand. {@link #getDefault()} is
 * the shared one, filled once, lazily, with every provider {@link ServiceLoader} finds; {@link #load}
 * does the same for a chosen class loader.
 *
 * <h2>Discovery manners</h2>
 * Discovery never fails because of one provider:
 * <ul>
 *   <li>a provider that cannot be loaded or constructed ({@link ServiceConfigurationError}), or whose
 *       {@code name()}, {@code priority()} or {@code isAvailable()} throws, or whose name is not
 *       lower_snake, is skipped with a warning naming it and the cause;</li>
 *   <li>a provider whose {@code isAvailable()} returns false is skipped with a debug message.</li>
 * </ul>
 *
 * <h2>Names</h2>
 * When several providers share a name, the one with the highest {@link LoadBalancerProvider#priority()}
 * wins. Two with the same, highest, priority make the name <em>ambiguous</em>: it stays in
 * {@link #names()}, but {@link #get} of it throws an {@link IllegalStateException} naming both classes
 * (and a warning is logged when the tie arises), so that which one runs never depends on class-path
 * order. Other names are unaffected; deregistering one of the two, or raising one's priority, resolves
 * it.
 *
 * <h2>Threads</h2>
 * Thread-safe. Lookups read an immutable snapshot without locking; {@link #register} and
 * {@link #deregister} are serialised and publish a new snapshot, which later lookups see.
 */
public final class LoadBalancerRegistry {
  /** Longest accepted provider name. */
  public static final int MAX_NAME_LENGTH = 64;

  private static final Logger log = LoggerFactory.getLogger(LoadBalancerRegistry.class);
  private static final Pattern LOWER_SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  /** Upper bound on discovery steps, so a misbehaving class loader cannot make discovery spin. */
  private static final int MAX_DISCOVERY_STEPS = 10_000;

  private final Object writeLock = new Object();
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  /** An empty registry. */
  public LoadBalancerRegistry() {}

  /**
   * The shared registry, filled on first use with the providers that {@link ServiceLoader} finds
   * through this class's class loader (see {@link #load}). Loaded once, thread-safely; later calls
   * return the same instance. Providers may still be registered or deregistered on it.
   */
  public static LoadBalancerRegistry getDefault() {
    return DefaultHolder.INSTANCE;
  }

  /**
   * A new registry filled with the providers that {@link ServiceLoader} finds through
   * {@code classLoader}, skipping (and logging) broken and unavailable ones as described above. Never
   * throws because of a provider.
   *
   * @param classLoader where to look; {@code null} means the system class loader
   */
  public static LoadBalancerRegistry load(ClassLoader classLoader) {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    Iterator<LoadBalancerProvider> it = ServiceLoader.load(LoadBalancerProvider.class, classLoader).iterator();
    for (int step = 0; ; step++) {
      if (step == MAX_DISCOVERY_STEPS) {
        log.warn("Stopped load balancer discovery after {} entries; the rest are ignored", step);
        break;
      }
      LoadBalancerProvider provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError e) {
        if (e.getCause() != null) {
          log.warn("Skipping a load balancer provider that failed to load: {} (cause: {})",
              e.getMessage(), e.getCause(), e);
        } else {
          log.warn("Skipping a load balancer provider that failed to load: {}", e.getMessage());
        }
        continue;
      }
      registry.registerDiscovered(provider);
    }
    return registry;
  }

  /**
   * Adds {@code provider}. Reads its name and priority once, now. Registering an instance that is
   * already registered changes nothing.
   *
   * @throws IllegalArgumentException if its name is not lower_snake (or is null), if it is not
   *     available ({@code isAvailable()} returned false), or if {@code name()}, {@code priority()} or
   *     {@code isAvailable()} throws (the exception is the cause)
   * @throws NullPointerException if {@code provider} is null
   */
  public void register(LoadBalancerProvider provider) {
    Objects.requireNonNull(provider, "provider");
    Registered r;
    try {
      r = inspect(provider);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("load balancer provider " + className(provider) + " " + e.getMessage(),
          e.getCause());
    }
    if (!r.available) {
      throw new IllegalArgumentException("load balancer provider " + className(provider) + " named '"
          + r.name + "' is not available here (isAvailable() returned false)");
    }
    add(r);
  }

  /**
   * Removes {@code provider} (this instance; not others of its name or class).
   *
   * @return whether it was registered
   * @throws NullPointerException if {@code provider} is null
   */
  public boolean deregister(LoadBalancerProvider provider) {
    Objects.requireNonNull(provider, "provider");
    synchronized (writeLock) {
      List<Registered> all = new ArrayList<>(snapshot.all);
      boolean removed = all.removeIf(r -> r.provider == provider);
      if (removed) {
        snapshot = Snapshot.of(all);
      }
      return removed;
    }
  }

  /**
   * The provider registered under {@code name} with the highest priority.
   *
   * @throws IllegalArgumentException if no provider has that name; the message lists the known names
   * @throws IllegalStateException if two providers share the name and the highest priority; the message
   *     names both classes
   * @throws NullPointerException if {@code name} is null
   */
  public LoadBalancerProvider get(String name) {
    Objects.requireNonNull(name, "name");
    Snapshot s = snapshot;
    Choice choice = s.byName.get(name);
    if (choice == null) {
      throw new IllegalArgumentException("no load balancer named '" + abbreviate(name) + "'; known: "
          + (s.names.isEmpty() ? "(none)" : String.join(", ", s.names)));
    }
    if (choice.tiedWith != null) {
      throw new IllegalStateException(ambiguity(choice));
    }
    return choice.winner.provider;
  }

  /**
   * A new balancer from {@code get(name).create()}.
   *
   * @throws IllegalArgumentException if no provider has that name (see {@link #get})
   * @throws IllegalStateException if the name is ambiguous, or the provider returned null
   * @throws NullPointerException if {@code name} is null
   */
  public LoadBalancer create(String name) {
    LoadBalancerProvider provider = get(name);
    LoadBalancer balancer = provider.create();
    if (balancer == null) {
      throw new IllegalStateException("load balancer provider " + className(provider) + " named '" + name
          + "' returned null from create()");
    }
    return balancer;
  }

  /** The registered names, sorted; an immutable snapshot that later registrations do not change. */
  public SortedSet<String> names() {
    return snapshot.names;
  }

  @Override
  public String toString() {
    return "LoadBalancerRegistry" + snapshot.names;
  }

  /** Discovery path: like {@link #register}, but skips with a log line instead of throwing. */
  private void registerDiscovered(LoadBalancerProvider provider) {
    Registered r;
    try {
      r = inspect(provider);
    } catch (IllegalArgumentException e) {
      log.warn("Skipping load balancer provider {}, which {}", className(provider), e.getMessage(), e.getCause());
      return;
    }
    if (!r.available) {
      log.debug("Skipping load balancer provider {} named '{}': isAvailable() returned false",
          className(provider), r.name);
      return;
    }
    add(r);
  }

  private void add(Registered r) {
    synchronized (writeLock) {
      for (Registered existing : snapshot.all) {
        if (existing.provider == r.provider) {
          return;
        }
      }
      List<Registered> all = new ArrayList<>(snapshot.all);
      all.add(r);
      Snapshot next = Snapshot.of(all);
      snapshot = next;
      Choice choice = next.byName.get(r.name);
      if (choice.tiedWith != null && (choice.winner == r || choice.tiedWith == r)) {
        log.warn("{}; lookups of '{}' fail until this is resolved", ambiguity(choice), r.name);
      }
    }
  }

  /**
   * Reads everything the registry needs from a provider once, turning its failures into an
   * {@link IllegalArgumentException} whose message continues "provider X ...".
   */
  private static Registered inspect(LoadBalancerProvider provider) {
    String name;
    int priority;
    boolean available;
    try {
      name = provider.name();
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalArgumentException("threw from name(): " + e, e);
    }
    if (name == null || name.length() > MAX_NAME_LENGTH || !LOWER_SNAKE.matcher(name).matches()) {
      throw new IllegalArgumentException("has an invalid name "
          + (name == null ? "null" : "'" + abbreviate(name) + "'") + ": names are lower_snake, at most "
          + MAX_NAME_LENGTH + " characters, like 'round_robin'");
    }
    try {
      priority = provider.priority();
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalArgumentException("threw from priority() (name '" + name + "'): " + e, e);
    }
    try {
      available = provider.isAvailable();
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalArgumentException("threw from isAvailable() (name '" + name + "'): " + e, e);
    }
    return new Registered(provider, name, priority, available);
  }

  private static String ambiguity(Choice choice) {
    return "two load balancer providers named '" + choice.winner.name + "' have the same priority "
        + choice.winner.priority + ": " + className(choice.winner.provider) + " and "
        + className(choice.tiedWith.provider) + "; give one a higher priority() or deregister one";
  }

  private static String className(Object o) {
    return o.getClass().getName();
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private record Registered(LoadBalancerProvider provider, String name, int priority, boolean available) {}

  /** The provider a name resolves to; {@code tiedWith} is non-null when the name is ambiguous. */
  private record Choice(Registered winner, Registered tiedWith) {}

  private record Snapshot(List<Registered> all, Map<String, Choice> byName, SortedSet<String> names) {
    static final Snapshot EMPTY = of(List.of());

    static Snapshot of(List<Registered> all) {
      Map<String, Choice> byName = new HashMap<>();
      for (Registered r : all) {
        Choice c = byName.get(r.name);
        if (c == null || r.priority > c.winner.priority) {
          byName.put(r.name, new Choice(r, null));
        } else if (r.priority == c.winner.priority && c.tiedWith == null) {
          byName.put(r.name, new Choice(c.winner, r));
        }
      }
      return new Snapshot(List.copyOf(all), Map.copyOf(byName),
          Collections.unmodifiableSortedSet(new TreeSet<>(byName.keySet())));
    }
  }

  private static final class DefaultHolder {
    static final LoadBalancerRegistry INSTANCE = load(LoadBalancerRegistry.class.getClassLoader());
  }
}
