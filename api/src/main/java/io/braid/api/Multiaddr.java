package io.braid.api;

import io.braid.api.internal.MultiaddrCodec;
import io.braid.api.internal.Varint;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A multiaddr: a self-describing network address such as {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…},
 * per multiformats/multiaddr. Immutable, thread-safe, equal by its binary form.
 *
 * <p>Both {@link #fromString} and {@link #fromBytes} reject any malformed input with an
 * {@link IllegalArgumentException} saying what is wrong; declared lengths are checked against the input
 * before anything is allocated, so hostile input cannot make them hang or allocate much.
 */
public final class Multiaddr {
  /** Largest binary multiaddr accepted; no real address comes close. */
  public static final int MAX_BYTES = 4096;

  private final byte[] bytes;
  private final List<Component> components;

  private Multiaddr(byte[] bytes, List<Component> components) {
    this.bytes = bytes;
    this.components = components;
  }

  /**
   * One protocol of a multiaddr with its value.
   *
   * @param code the protocol code (e.g. 4 for ip4)
   * @param name the protocol name (e.g. {@code ip4})
   * @param value the value in binary form (empty for protocols without a value); copied in and out
   */
  public record Component(int code, String name, byte[] value) {
    public Component {
      Objects.requireNonNull(name, "name");
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    /** The value in text form ({@code 127.0.0.1}, {@code 4001}, a peer id), or empty if it has none. */
    public String valueString() {
      return MultiaddrCodec.valueToString(code, value);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Component c && c.code == code && Arrays.equals(c.value, value);
    }

    @Override
    public int hashCode() {
      return 31 * code + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      String v = valueString();
      return "/" + name + (v.isEmpty() && !MultiaddrCodec.hasValue(code) ? "" : "/" + v);
    }
  }

  /**
   * Parses the text form.
   *
   * @throws IllegalArgumentException if malformed, naming the offending part
   */
  public static Multiaddr fromString(String text) {
    Objects.requireNonNull(text, "text");
    List<Component> parts = MultiaddrCodec.parse(text);
    return of(parts);
  }

  /**
   * Parses the binary form.
   *
   * @throws IllegalArgumentException if malformed, naming the offset
   */
  public static Multiaddr fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("multiaddr too long: " + bytes.length + " bytes, at most " + MAX_BYTES);
    }
    List<Component> parts = MultiaddrCodec.decode(bytes);
    return new Multiaddr(bytes.clone(), List.copyOf(parts));
  }

  /** A multiaddr made of {@code components}, in order; at least one. */
  public static Multiaddr of(List<Component> components) {
    if (components.isEmpty()) {
      throw new IllegalArgumentException("a multiaddr needs at least one component");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Component c : components) {
      Varint.write(out, c.code());
      byte[] v = c.value();
      if (MultiaddrCodec.isLengthPrefixed(c.code())) {
        Varint.write(out, v.length);
      }
      out.write(v, 0, v.length);
    }
    byte[] b = out.toByteArray();
    if (b.length > MAX_BYTES) {
      throw new IllegalArgumentException("multiaddr too long: " + b.length + " bytes, at most " + MAX_BYTES);
    }
    return new Multiaddr(b, List.copyOf(components));
  }

  /** The binary form; a fresh copy. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** The components in order; immutable. */
  public List<Component> components() {
    return components;
  }

  /** The value of the first component named {@code protocol}, in text form. */
  public Optional<String> valueOf(String protocol) {
    for (Component c : components) {
      if (c.name().equals(protocol)) {
        return Optional.of(c.valueString());
      }
    }
    return Optional.empty();
  }

  /** Whether a component named {@code protocol} is present. */
  public boolean has(String protocol) {
    return components.stream().anyMatch(c -> c.name().equals(protocol));
  }

  /** This address followed by {@code other}. */
  public Multiaddr encapsulate(Multiaddr other) {
    List<Component> all = new ArrayList<>(components);
    all.addAll(other.components);
    return of(all);
  }

  /** This address followed by the parsed {@code other}. */
  public Multiaddr encapsulate(String other) {
    return encapsulate(fromString(other));
  }

  /**
   * This address without the last occurrence of {@code other} and everything after it; this address
   * unchanged if {@code other} does not occur; empty if removing would leave nothing.
   */
  public Optional<Multiaddr> decapsulate(Multiaddr other) {
    List<Component> tail = other.components;
    for (int i = components.size() - tail.size(); i >= 0; i--) {
      if (components.subList(i, i + tail.size()).equals(tail)) {
        return i == 0 ? Optional.empty() : Optional.of(of(components.subList(0, i)));
      }
    }
    return Optional.of(this);
  }

  /** This address without its last {@code /p2p/…} component and what follows it, if any. */
  public Multiaddr withoutPeerId() {
    for (int i = components.size() - 1; i >= 0; i--) {
      if (components.get(i).name().equals("p2p")) {
        return i == 0 ? this : of(components.subList(0, i));
      }
    }
    return this;
  }

  /** The peer id of the last {@code /p2p/} component, if any. */
  public Optional<PeerId> peerId() {
    for (int i = components.size() - 1; i >= 0; i--) {
      Component c = components.get(i);
      if (c.name().equals("p2p")) {
        return Optional.of(PeerId.fromBytes(c.value));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multiaddr m && Arrays.equals(m.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The canonical text form. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Component c : components) {
      sb.append(c);
    }
    return sb.toString();
  }
}
