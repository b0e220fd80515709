package io.braid.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;

/** Checks a rule against exactly the given (planted) classes; what they reference is resolved, not checked. */
final class RuleAssertions {
  private RuleAssertions() {}

  static JavaClasses importOnly(Class<?>... classes) {
    return new ClassFileImporter().importClasses(classes);
  }

  /**
   * Asserts that {@code rule} fails on exactly {@code imported} and that its message names every one of
   * them (the violators), returning the message for further checks.
   */
  static String violationMessage(ArchRule rule, Class<?>... imported) {
    String message = failureMessage(rule, imported);
    for (Class<?> violator : imported) {
      assertTrue(message.contains(violator.getName()), () -> "expected " + violator.getName() + " in:\n" + message);
    }
    return message;
  }

  /** Asserts that {@code rule} fails on exactly {@code imported}, returning the message. */
  static String failureMessage(ArchRule rule, Class<?>... imported) {
    AssertionError error = assertThrows(AssertionError.class, () -> rule.check(importOnly(imported)));
    String message = error.getMessage();
    // A rule that "fails" only because it matched nothing would prove nothing.
    assertFalse(message.contains("failed to check any classes"), message);
    return message;
  }

  static void assertMentions(String message, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), () -> "expected '" + fragment + "' in:\n" + message);
    }
  }

  static void assertDoesNotMention(String message, Class<?>... innocents) {
    for (Class<?> innocent : innocents) {
      assertFalse(message.contains(innocent.getName()), () -> "did not expect " + innocent.getName() + " in:\n" + message);
    }
  }

  /**
   * Asserts that {@code rule} passes on exactly these classes. Emptiness is not allowed here, so a pass
   * means the rule looked at the classes and found them fine, not that it skipped them.
   */
  static void assertPasses(ArchRule rule, Class<?>... imported) {
    rule.allowEmptyShould(false).check(importOnly(imported));
  }
}
