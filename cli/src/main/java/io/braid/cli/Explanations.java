package io.braid.cli;

import io.braid.api.PeerExplanation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link PeerExplanation} as the JSON object {@code --explain --json} prints. Stateless. */
final class Explanations {
  private Explanations() {}

  static Map<String, Object> toJson(PeerExplanation why) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("peer", why.peer().toString());
    o.put("keep", why.keep().name().toLowerCase(java.util.Locale.ROOT));
    o.put("target", why.target());
    List<Object> conns = new ArrayList<>();
    for (PeerExplanation.Connection c : why.connections()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.id());
      m.put("direction", c.direction().name().toLowerCase(java.util.Locale.ROOT));
      m.put("remote", c.remoteAddress().toString());
      conns.add(m);
    }
    o.put("connections", conns);
    List<Object> addrs = new ArrayList<>();
    for (PeerExplanation.AddressState a : why.addresses()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("address", a.address().toString());
      m.put("last_result", a.lastResult().name().toLowerCase(java.util.Locale.ROOT));
      m.put("failure", a.failure().isEmpty() ? null : a.failure());
      m.put("ago_ms", a.ago().map(d -> d.toNanos() / 1e6).orElse(null));
      m.put("failures_in_a_row", a.failuresInARow());
      m.put("backoff_left_ms", a.backoffLeft().toNanos() / 1e6);
      addrs.add(m);
    }
    o.put("addresses", addrs);
    List<Object> refusals = new ArrayList<>();
    for (PeerExplanation.Refusal r : why.refusals()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scope", r.scope().label());
      m.put("scope_name", r.scopeName());
      m.put("limit", r.limit());
      m.put("value", r.value());
      m.put("current", r.current());
      m.put("what", r.what());
      m.put("ago_ms", r.ago().toNanos() / 1e6);
      refusals.add(m);
    }
    o.put("refusals", refusals);
    Map<String, Object> dials = new LinkedHashMap<>();
    dials.put("peer_in_flight", why.dials().peerInFlight());
    dials.put("peer_queued", why.dials().peerQueued());
    dials.put("in_flight", why.dials().inFlight());
    dials.put("queued", why.dials().queued());
    dials.put("max_in_flight", why.dials().maxInFlight());
    o.put("dials", dials);
    o.put("text", why.describe());
    return o;
  }
}
