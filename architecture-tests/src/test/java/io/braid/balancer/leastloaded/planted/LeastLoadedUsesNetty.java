package io.braid.balancer.leastloaded.planted;

import io.netty.channel.Channel;

/** Planted violation: a balancer that looks at Netty channels. */
public final class LeastLoadedUsesNetty {
  public boolean writable(Channel channel) {
    return channel.isWritable();
  }
}
