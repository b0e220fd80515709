package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.balancer.spi.LoadBalancerProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract itself, driven by hand: a correct balancer passes its checks, and each kind of broken
 * balancer or provider is caught by the check meant for it. (The registry check cannot pass here: this
 * module lists no provider; that it fails for an unlisted provider is itself checked.)
 */
class LoadBalancerContractTest {

  @Test
  void aCorrectBalancerPassesEveryCheckButTheRegistryOne() throws Exception {
    Subject subject = new Subject(provider("first_open", FirstOfTheList::new));
    subject.providerNameIsLowerSnakeAndFixed();
    subject.providerAnswersPriorityAndAvailabilityWithoutThrowing();
    subject.providerCreatesAWorkingBalancerEveryTime();
    subject.selectReturnsOneOfTheCandidatesItself(List.of(0, 5, 3, 9));
    subject.singleCandidateIsAlwaysReturned();
    subject.picksForSeveralPeersStayWithinEachPeersOwnList(List.of(1, 4, 16), List.of(0, 1, 2, 3, 2, 1));
    subject.picksForManyDistinctPeersStayCorrect();
    subject.listChangesBetweenPicksNeverYieldAStaleConnection(5, List.of(0, 1, 2, 3, 7, 40, 400, 13, 6));
    subject.concurrentPicksOnSharedListsAlwaysReturnACandidate();
    subject.concurrentPicksWhileListsAndCountsChangeNeverYieldAStaleConnection();
  }

  @Test
  void aProviderMissingFromTheServicesFileFailsTheRegistryCheck() {
    Subject subject = new Subject(provider("first_open", FirstOfTheList::new));
    AssertionError e = assertThrows(AssertionError.class, subject::defaultRegistryFindsTheProviderByName);
    assertTrue(e.getMessage().contains("does not know 'first_open'"), e.getMessage());
  }

  @Test
  void aBalancerReturningNullIsCaught() {
    Subject subject = new Subject(provider("returns_null", () -> (peer, candidates) -> null));
    assertCaught(() -> subject.selectReturnsOneOfTheCandidatesItself(List.of(1, 2)), "returned null");
    assertCaught(subject::singleCandidateIsAlwaysReturned, "");
  }

  @Test
  void aBalancerReturningAConnectionOutsideTheListIsCaught() {
    FakeNetConn stranger = FakeNetConn.create();
    Subject subject = new Subject(provider("stranger", () -> (peer, candidates) -> stranger));
    assertCaught(() -> subject.selectReturnsOneOfTheCandidatesItself(List.of(1)), "not one of the 1 candidates");
    assertCaught(subject::concurrentPicksOnSharedListsAlwaysReturnACandidate, "not one of");
  }

  @Test
  void aBalancerThatRemembersAnEarlierListIsCaughtByTheListChangeChecks() {
    Subject subject = new Subject(provider("sticky", FirstListPerPeer::new));
    // replace-all (v % 4 == 3) after some picks on the initial list
    assertCaught(() -> subject.listChangesBetweenPicksNeverYieldAStaleConnection(4, List.of(3)), "not one of");
    assertCaught(subject::concurrentPicksWhileListsAndCountsChangeNeverYieldAStaleConnection, "not one of");
  }

  @Test
  void aBalancerThatMixesUpPeersIsCaught() {
    Subject subject = new Subject(provider("sticky", FirstListPerPeer::forEveryone));
    assertCaught(() -> subject.picksForSeveralPeersStayWithinEachPeersOwnList(List.of(2, 3), List.of(0, 1)),
        "not one of");
  }

  @Test
  void aBalancerThatOnlyWorksOnItsCreatorsThreadIsCaughtByTheConcurrencyCheck() {
    Subject subject = new Subject(provider("single_threaded", SingleThreaded::new));
    assertDoesNotThrow(() -> subject.selectReturnsOneOfTheCandidatesItself(List.of(1, 2, 3)));
    assertCaught(subject::concurrentPicksOnSharedListsAlwaysReturnACandidate, "concurrent pick failed");
  }

  @Test
  void aBalancerThatFailsOnLongListsIsCaughtForThatSize() {
    Subject subject = new Subject(provider("short_lists", () -> (peer, candidates) -> {
      if (candidates.size() > 32) {
        throw new IndexOutOfBoundsException("only 32 supported");
      }
      return candidates.get(0);
    }));
    assertDoesNotThrow(() -> subject.selectReturnsOneOfTheCandidatesItself(List.of(1, 2)));
    assertThrows(IndexOutOfBoundsException.class,
        () -> subject.selectReturnsOneOfTheCandidatesItself(java.util.Collections.nCopies(64, 1)));
  }

  @Test
  void aProviderWithABadNameIsCaught() {
    Subject subject = new Subject(provider("Round-Robin", FirstOfTheList::new));
    assertCaught(subject::providerNameIsLowerSnakeAndFixed, "lower_snake");
  }

  @Test
  void aProviderWhoseCreateReturnsNullIsCaught() {
    Subject subject = new Subject(provider("no_balancer", () -> null));
    assertCaught(subject::providerCreatesAWorkingBalancerEveryTime, "create() returned null");
    assertCaught(subject::singleCandidateIsAlwaysReturned, "returned null");
  }

  @Test
  void aProviderWhoseIsAvailableThrowsIsCaught() {
    Subject subject = new Subject(new LoadBalancerProvider() {
      @Override
      public String name() {
        return "moody";
      }

      @Override
      public boolean isAvailable() {
        throw new IllegalStateException("boom");
      }

      @Override
      public LoadBalancer create() {
        return new FirstOfTheList();
      }
    });
    assertCaught(subject::providerAnswersPriorityAndAvailabilityWithoutThrowing, "isAvailable() must not throw");
  }

  private static void assertCaught(Executable check, String messagePart) {
    AssertionError e = assertThrows(AssertionError.class, check);
    assertTrue(String.valueOf(e.getMessage()).contains(messagePart),
        "expected '" + messagePart + "' in: " + e.getMessage());
  }

  private static LoadBalancerProvider provider(String name, Supplier<LoadBalancer> factory) {
    return new LoadBalancerProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public LoadBalancer create() {
        return factory.get();
      }
    };
  }

  /** The contract with a provider chosen per test; driven by hand, never discovered on its own. */
  static final class Subject extends LoadBalancerContract {
    private final LoadBalancerProvider provider;

    Subject(LoadBalancerProvider provider) {
      this.provider = provider;
    }

    @Override
    protected LoadBalancerProvider provider() {
      return provider;
    }
  }

  /** Correct and trivial. */
  static final class FirstOfTheList implements LoadBalancer {
    @Override
    public NetConn select(PeerId peer, List<NetConn> candidates) {
      return candidates.get(0);
    }
  }

  /** Broken: answers from the first list it saw for a peer (or for anyone). */
  static final class FirstListPerPeer implements LoadBalancer {
    private final Map<PeerId, List<NetConn>> seen = new ConcurrentHashMap<>();
    private final boolean ignorePeer;

    FirstListPerPeer() {
      this(false);
    }

    private FirstListPerPeer(boolean ignorePeer) {
      this.ignorePeer = ignorePeer;
    }

    static FirstListPerPeer forEveryone() {
      return new FirstListPerPeer(true);
    }

    @Override
    public NetConn select(PeerId peer, List<NetConn> candidates) {
      PeerId key = ignorePeer ? FakeNetConn.testPeer(0) : peer;
      return seen.computeIfAbsent(key, p -> candidates).get(0);
    }
  }

  /** Broken: refuses to be called from any thread but the one that made it. */
  static final class SingleThreaded implements LoadBalancer {
    private final Thread owner = Thread.currentThread();

    @Override
    public NetConn select(PeerId peer, List<NetConn> candidates) {
      if (Thread.currentThread() != owner) {
        throw new IllegalStateException("called from " + Thread.currentThread().getName());
      }
      return candidates.get(0);
    }
  }
}
