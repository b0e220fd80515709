package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RttStatsTest {
  @Test
  void figuresOfKnownSamplesMatchPingsFormulas() {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population std dev 2 (ping's mdev), median by nearest rank 4.
    RttStats s = RttStats.of(10, List.of(4.0, 2.0, 9.0, 4.0, 5.0, 4.0, 7.0, 5.0), 1234.4);
    assertEquals(2.0, s.min());
    assertEquals(9.0, s.max());
    assertEquals(5.0, s.avg(), 1e-12);
    assertEquals(2.0, s.mdev(), 1e-12);
    assertEquals(4.0, s.p50());
    assertEquals(9.0, s.p99());
    assertEquals(20, s.lossPercent());
    assertEquals(List.of(
        "10 pings transmitted, 8 received, 20% loss, time 1234 ms",
        "rtt min/avg/max/mdev = 2.000/5.000/9.000/2.000 ms",
        "p50/p99 = 4.000/9.000 ms"), s.lines());
  }

  @Test
  void percentilesAreNearestRankOverAHundredSamples() {
    List<Double> x = new ArrayList<>();
    for (int i = 100; i >= 1; i--) {
      x.add((double) i);
    }
    RttStats s = RttStats.of(100, x, 0);
    assertEquals(50.0, s.p50());
    assertEquals(99.0, s.p99());
    assertEquals(0, s.lossPercent());
  }

  @Test
  void oneSampleIsEveryFigureAndNoneIsAllZeroWithFullLoss() {
    RttStats one = RttStats.of(1, List.of(3.5), 3.5);
    assertEquals(List.of(3.5, 3.5, 3.5, 0.0, 3.5, 3.5),
        List.of(one.min(), one.avg(), one.max(), one.mdev(), one.p50(), one.p99()));
    RttStats none = RttStats.of(3, List.of(), 10);
    assertEquals(100, none.lossPercent());
    assertEquals("rtt min/avg/max/mdev = 0.000/0.000/0.000/0.000 ms", none.lines().get(1));
  }
}
