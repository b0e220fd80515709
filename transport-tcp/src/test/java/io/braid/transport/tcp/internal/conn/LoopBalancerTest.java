package io.braid.transport.tcp.internal.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Channels go to the loop with the fewest live channels; closed ones give their slot back. */
class LoopBalancerTest {

  @Test
  void newChannelsFillTheEmptiestLoopsFirstAlsoAfterChurn() throws Exception {
    LoopBalancer balancer = new LoopBalancer();
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(3, (java.util.concurrent.Executor) null, balancer, LocalIoHandler.newFactory());
    try {
      List<Channel> channels = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        channels.add(register(group, balancer));
      }
      assertArrayEquals(new int[] {1, 1, 1}, balancer.counts(), "three channels on three loops");
      EventLoop freed = channels.get(1).eventLoop();
      channels.get(1).close().sync();
      // Round-robin would now pick loop 0 again (its turn); the balancer picks the loop that was freed.
      Channel next = register(group, balancer);
      assertEquals(freed, next.eventLoop());
      assertNotSame(channels.get(0).eventLoop(), next.eventLoop());
      assertArrayEquals(new int[] {1, 1, 1}, balancer.counts());
      for (Channel c : channels) {
        c.close().sync();
      }
      next.close().sync();
      assertArrayEquals(new int[] {0, 0, 0}, balancer.counts(), "every slot given back");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static Channel register(MultiThreadIoEventLoopGroup group, LoopBalancer balancer) throws Exception {
    Channel ch = new LocalChannel();
    group.register(ch).sync();
    balancer.track(ch);
    return ch;
  }
}
