package io.braid.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What Maven Central asks of a release, checked on every build so that publishing is a matter of
 * signing and uploading: the POM metadata (name, description, url, license, developers, scm), a BOM
 * that lists exactly the published modules, and a sources jar and a Javadoc jar beside every published
 * module's jar. A module is published unless its pom sets {@code maven.deploy.skip} to true.
 */
@DisplayName("Artifacts are ready to publish")
class PublishingReadinessTest {
  private static Path repo() {
    String dir = System.getProperty("braid.repo.dir");
    assertTrue(dir != null && !dir.isBlank(), "braid.repo.dir is not set: run the tests through Maven");
    return Path.of(dir);
  }

  private static Document pom(Path file) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(file.toFile());
    } catch (Exception e) {
      throw new AssertionError("cannot parse " + file + ": " + e, e);
    }
  }

  /** The text of the project's own child element {@code name}, or "" if absent. */
  private static String own(Document pom, String name) {
    Element child = child(pom.getDocumentElement(), name);
    return child == null ? "" : child.getTextContent().strip();
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static List<String> modules(Document root) {
    List<String> out = new ArrayList<>();
    NodeList list = child(root.getDocumentElement(), "modules").getElementsByTagName("module");
    for (int i = 0; i < list.getLength(); i++) {
      out.add(list.item(i).getTextContent().strip());
    }
    return out;
  }

  private static boolean published(Document pom) {
    Element props = child(pom.getDocumentElement(), "properties");
    Element skip = props == null ? null : child(props, "maven.deploy.skip");
    return skip == null || !skip.getTextContent().strip().equals("true");
  }

  @Test
  void theParentPomCarriesEverythingCentralRequires() {
    Document root = pom(repo().resolve("pom.xml"));
    for (String field : List.of("name", "description", "url")) {
      assertFalse(own(root, field).isEmpty(), "root pom: <" + field + "> is required by Maven Central");
    }
    Element project = root.getDocumentElement();
    Element license = child(child(project, "licenses"), "license");
    assertFalse(child(license, "name").getTextContent().isBlank(), "a license name");
    assertTrue(child(license, "url").getTextContent().strip().startsWith("https://"), "a license url");
    Element developer = child(child(project, "developers"), "developer");
    assertFalse(child(developer, "name").getTextContent().isBlank(), "a developer name");
    Element scm = child(project, "scm");
    for (String field : List.of("connection", "developerConnection", "url")) {
      assertFalse(child(scm, field).getTextContent().isBlank(), "<scm><" + field + "> is required");
    }
    assertTrue(Files.isRegularFile(repo().resolve("LICENSE")), "the license text is in the repository");
  }

  @Test
  void theBomListsExactlyThePublishedModules() {
    Path repo = repo();
    Set<String> published = new TreeSet<>();
    for (String module : modules(pom(repo.resolve("pom.xml")))) {
      Document pom = pom(repo.resolve(module).resolve("pom.xml"));
      String artifact = own(pom, "artifactId");
      assertFalse(own(pom, "name").isEmpty(), module + ": every module names itself (<name>)");
      if (published(pom) && !artifact.equals("braid-bom")) {
        published.add(artifact);
      }
    }
    Set<String> inBom = new TreeSet<>();
    NodeList ids = child(child(pom(repo.resolve("bom/pom.xml")).getDocumentElement(), "dependencyManagement"),
        "dependencies").getElementsByTagName("artifactId");
    for (int i = 0; i < ids.getLength(); i++) {
      inBom.add(ids.item(i).getTextContent().strip());
    }
    assertTrue(published.contains("braid-core") && published.contains("braid-api"), "published: " + published);
    assertEquals(published, inBom, "bom/pom.xml must list every published module and nothing else");
  }

  @Test
  void everyBuiltPublishedJarHasItsSourcesAndJavadocBesideIt() throws IOException {
    Path repo = repo();
    List<String> checked = new ArrayList<>();
    for (String module : modules(pom(repo.resolve("pom.xml")))) {
      Document pom = pom(repo.resolve(module).resolve("pom.xml"));
      String packaging = own(pom, "packaging");
      if (!published(pom) || packaging.equals("pom")) {
        continue;
      }
      String base = own(pom, "artifactId") + "-" + own(pom(repo.resolve("pom.xml")), "version");
      Path target = repo.resolve(module).resolve("target");
      if (!Files.isRegularFile(target.resolve(base + ".jar"))) {
        continue; // not packaged in this build (e.g. -pl architecture-tests alone)
      }
      for (String classifier : List.of("sources", "javadoc")) {
        Path jar = target.resolve(base + "-" + classifier + ".jar");
        assertTrue(Files.isRegularFile(jar) && Files.size(jar) > 0, module + ": " + jar.getFileName() + " is missing");
      }
      checked.add(module);
    }
    Assumptions.assumeTrue(!checked.isEmpty(), "no module jar built yet (run verify, not test)");
    assertTrue(checked.contains("core"), "core's jar was built but not checked; checked " + checked);
  }
}
