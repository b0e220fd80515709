package io.braid.balancer.spi;

import io.braid.api.LoadBalancer;

/**
 * Providers for the registry tests, some deliberately broken. The discovery fixture
 * ({@code src/test/resources/discovery-fixture/META-INF/services/...}) lists several of them; it is
 * read only through a dedicated class loader, so the ordinary test class path stays clean.
 */
final class FixtureProviders {
  private FixtureProviders() {}

  static final LoadBalancer FIRST = (peer, candidates) -> candidates.get(0);

  /** A well-behaved provider with a chosen name and priority. */
  static class Named implements LoadBalancerProvider {
    private final String name;
    private final int priority;

    Named(String name, int priority) {
      this.name = name;
      this.priority = priority;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public LoadBalancer create() {
      return FIRST;
    }
  }

  /** A second class, so clashes can name two different classes. */
  static final class OtherNamed extends Named {
    OtherNamed(String name, int priority) {
      super(name, priority);
    }
  }

  public static final class Good implements LoadBalancerProvider {
    public Good() {}

    @Override
    public String name() {
      return "fixture_good";
    }

    @Override
    public LoadBalancer create() {
      return FIRST;
    }
  }

  public static final class ThrowsInConstructor implements LoadBalancerProvider {
    public ThrowsInConstructor() {
      throw new IllegalStateException("constructor exploded on purpose");
    }

    @Override
    public String name() {
      return "fixture_ctor";
    }

    @Override
    public LoadBalancer create() {
      return FIRST;
    }
  }

  public static final class ThrowsInName implements LoadBalancerProvider {
    public ThrowsInName() {}

    @Override
    public String name() {
      throw new UnsupportedOperationException("name exploded on purpose");
    }

    @Override
    public LoadBalancer create() {
      return FIRST;
    }
  }

  public static final class ThrowsInIsAvailable implements LoadBalancerProvider {
    public ThrowsInIsAvailable() {}

    @Override
    public String name() {
      return "fixture_is_available_throws";
    }

    @Override
    public boolean isAvailable() {
      throw new IllegalStateException("isAvailable exploded on purpose");
    }

    @Override
    public LoadBalancer create() {
      return FIRST;
    }
  }

  public static final class Unavailable implements LoadBalancerProvider {
    public Unavailable() {}

    @Override
    public String name() {
      return "fixture_unavailable";
    }

    @Override
    public boolean isAvailable() {
      return false;
    }

    @Override
    public LoadBalancer create() {
      throw new AssertionError("an unavailable provider must never be asked to create");
    }
  }

  public static final class BadName implements LoadBalancerProvider {
    public BadName() {}

    @Override
    public String name() {
      return "Fixture-Bad";
    }

    @Override
    public LoadBalancer create() {
      return FIRST;
    }
  }

  /** Listed in the fixture but does not implement the interface. */
  public static final class NotAProvider {
    public NotAProvider() {}
  }
}
