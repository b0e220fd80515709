package io.braid.api;

import io.braid.api.internal.MultiaddrCodec;
import io.braid.api.internal.MultiaddrCodec.Part;
import io.braid.api.internal.MultiaddrCodec.Protocol;
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
 * <p>Protocols: the multiformats protocol table ({@code ip4 ip6 ip6zone ipcidr tcp udp sctp dccp dns dns4
 * dns6 dnsaddr p2p} (alias {@code ipfs}) {@code p2p-circuit quic quic-v1 webtransport certhash ws wss tls
 * noise sni http https http-path unix onion onion3 garlic32 garlic64 udt utp webrtc webrtc-direct
 * p2p-webrtc-star p2p-webrtc-direct p2p-websocket-star p2p-stardust memory plaintextv2}), with the text
 * forms go-multiaddr uses: a peer id prints as base58btc whichever form it was parsed from, a certificate
 * hash as multibase base64url, an {@code http-path} percent-encoded, a {@code unix} path as the rest of the
 * address ({@code /unix/tmp/node.sock}, so it must come last).
 *
 * <p>Both {@link #fromString} and {@link #fromBytes} reject any malformed input with an
 * {@link IllegalArgumentException} saying what is wrong; values are checked as strictly on decode as on
 * parse; declared lengths are checked against the input before anything is allocated, and both forms are
 * bounded ({@link #MAX_BYTES}, {@link #MAX_TEXT_LENGTH}), so hostile input cannot make them hang or
 * allocate much. Whatever either accepts round-trips: {@code fromString(m.toString())} and
 * {@code fromBytes(m.toBytes())} equal {@code m}.
 */
public final class Multiaddr {
  /** Largest binary multiaddr accepted; no real address comes close. */
  public static final int MAX_BYTES = 4096;

  /**
   * Longest text accepted. No protocol's text takes more than 10 characters per byte of binary form, so
   * every multiaddr of at most {@link #MAX_BYTES} bytes prints shorter than this.
   */
  public static final int MAX_TEXT_LENGTH = 10 * MAX_BYTES;

  private final byte[] bytes;
  private final List<Component> components;
  private String text;

  private Multiaddr(byte[] bytes, List<Component> components) {
    this.bytes = bytes;
    this.components = components;
  }

  /**
   * One protocol of a multiaddr with its value. The constructor checks the value as {@link #fromBytes}
   * would, so a component is always valid.
   *
   * @param code the protocol code (e.g. 4 for ip4)
   * @param name the protocol name (e.g. {@code ip4}); an alias ({@code ipfs}) is replaced by the name
   * @param value the value in binary form (empty for protocols without a value); copied in and out
   */
  public record Component(int code, String name, byte[] value) {
    /**
     * Checks and copies the component's parts.
     *
     * @throws IllegalArgumentException if the code is unknown, the name is not the code's, or the value
     *     is not valid for the protocol
     * @throws NullPointerException if {@code name} or {@code value} is null
     */
    public Component {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      value = value.clone();
      Protocol p = MultiaddrCodec.byCode(code);
      if (MultiaddrCodec.byName(name) != p) {
        throw new IllegalArgumentException("multiaddr protocol code " + code + " is /" + p.name()
            + ", not /" + name);
      }
      name = p.name();
      MultiaddrCodec.check(p, value);
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    /**
     * The value in text form as it appears in the address ({@code 127.0.0.1}, {@code 4001}, a base58btc
     * peer id, a percent-encoded http path, a unix path with its leading {@code /}), or empty if the
     * protocol has no value.
     */
    public String valueString() {
      return MultiaddrCodec.format(MultiaddrCodec.byCode(code), value);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Component c && c.code == code && Arrays.equals(c.value, value);
    }

    @Override
    public int hashCode() {
      return 31 * code + Arrays.hashCode(value);
    }

    /** The text form of this component alone, e.g. {@code /tcp/4001}. */
    @Override
    public String toString() {
      Protocol p = MultiaddrCodec.byCode(code);
      if (!p.hasValue()) {
        return "/" + name;
      }
      // A path value carries its own leading '/'.
      return "/" + name + (p.path() ? "" : "/") + valueString();
    }
  }

  /**
   * Parses the text form. Trailing slashes are ignored; {@code /ipfs/} is read as {@code /p2p/}.
   *
   * @throws IllegalArgumentException if malformed or longer than {@link #MAX_TEXT_LENGTH}, naming the
   *     offending part
   * @throws NullPointerException if {@code text} is null
   */
  public static Multiaddr fromString(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() > MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException("multiaddr text too long: " + text.length() + " characters, at most "
          + MAX_TEXT_LENGTH);
    }
    return of(toComponents(MultiaddrCodec.parse(text)));
  }

  /**
   * Parses the binary form.
   *
   * @throws IllegalArgumentException if malformed or longer than {@link #MAX_BYTES}, naming the offset
   * @throws NullPointerException if {@code bytes} is null
   */
  public static Multiaddr fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("multiaddr too long: " + bytes.length + " bytes, at most " + MAX_BYTES);
    }
    byte[] copy = bytes.clone();
    return new Multiaddr(copy, toComponents(MultiaddrCodec.decode(copy)));
  }

  /**
   * A multiaddr made of {@code components}, in order; at least one.
   *
   * @throws IllegalArgumentException if empty, if a path component ({@code unix}) is not the last one, or
   *     if the result is longer than {@link #MAX_BYTES}
   * @throws NullPointerException if the list or an element is null
   */
  public static Multiaddr of(List<Component> components) {
    List<Component> list = List.copyOf(components);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("a multiaddr needs at least one component");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < list.size(); i++) {
      Component c = list.get(i);
      Protocol p = MultiaddrCodec.byCode(c.code());
      if (p.path() && i < list.size() - 1) {
        throw new IllegalArgumentException("/" + p.name() + " is a path and must be the last component");
      }
      MultiaddrCodec.write(out, p, c.value);
      if (out.size() > MAX_BYTES) {
        throw new IllegalArgumentException("multiaddr too long: more than " + MAX_BYTES + " bytes");
      }
    }
    return new Multiaddr(out.toByteArray(), list);
  }

  private static List<Component> toComponents(List<Part> parts) {
    List<Component> out = new ArrayList<>(parts.size());
    for (Part part : parts) {
      out.add(new Component(part.protocol().code(), part.protocol().name(), part.value()));
    }
    return List.copyOf(out);
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

  /**
   * This address followed by {@code other}.
   *
   * @throws IllegalArgumentException if this address ends in a path component, or the result is too long
   */
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

  /**
   * This address without its last {@code /p2p/…} component and what follows it; unchanged if it has no
   * {@code /p2p/} component, or if that component comes first (removing it would leave nothing).
   */
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
    String t = text;
    if (t == null) {
      StringBuilder sb = new StringBuilder();
      for (Component c : components) {
        sb.append(c);
      }
      t = sb.toString();
      text = t; // racy but benign: every thread computes the same immutable string
    }
    return t;
  }
}
