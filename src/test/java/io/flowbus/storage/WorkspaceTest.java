package io.flowbus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkspaceTest {
  @TempDir Path root;
  private Path ws;

  @BeforeEach
  void files() throws Exception {
    ws = Files.createDirectories(root.resolve("runs/r1"));
    Files.createDirectories(ws.resolve("out/deep"));
    Files.writeString(ws.resolve("out/deep/a.txt"), "a");
    Files.writeString(ws.resolve("b.txt"), "bb");
    Files.writeString(root.resolve("secret.txt"), "outside");
    Files.createSymbolicLink(ws.resolve("escape"), root.resolve("secret.txt"));
    Files.createSymbolicLink(ws.resolve("inside"), ws.resolve("b.txt"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../secret.txt",
        "out/../../secret.txt",
        "/etc/passwd",
        "escape",
        "a\0b",
        "",
        "out/../.."
      })
  void pathsThatLeaveTheWorkspaceAreRefused(String path) {
    assertThatThrownBy(() -> new Workspace(ws).resolve(path))
        .isInstanceOf(Workspace.OutsideWorkspaceException.class);
  }

  @Test
  void pathsInsideResolveIncludingLinksThatStayInside() throws Exception {
    Workspace workspace = new Workspace(ws);
    assertThat(workspace.resolve("out/deep/a.txt")).hasContent("a");
    assertThat(workspace.resolve("out/./deep/a.txt")).hasContent("a");
    assertThat(workspace.resolve("inside")).hasContent("bb");
    assertThatThrownBy(() -> workspace.resolve("missing.txt"))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void theListingHoldsRegularFilesRecursivelyWithoutFollowingLinks() throws Exception {
    assertThat(new Workspace(ws).list())
        .extracting(Workspace.Entry::path, Workspace.Entry::size)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("b.txt", 2L),
            org.assertj.core.groups.Tuple.tuple("out/deep/a.txt", 1L));
  }

  @Test
  void aNameWithABackslashIsListedAndResolvedAsItIs() throws Exception {
    Files.writeString(ws.resolve("out/back\\slash.txt"), "bs");
    Workspace workspace = new Workspace(ws);
    assertThat(workspace.list()).extracting(Workspace.Entry::path).contains("out/back\\slash.txt");
    assertThat(workspace.resolve("out/back\\slash.txt")).hasContent("bs");
    assertThatThrownBy(() -> workspace.resolve("out/back/slash.txt"))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> workspace.resolve("..\\..\\secret.txt"))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void createMakesTheWorkspaceAndKeepsTheEnginesUserWithoutAnOwner() throws Exception {
    Path fresh = root.resolve("runs/r2");

    new Workspace(fresh).create(-1, -1);

    assertThat(fresh).isDirectory();
    assertThat(Files.getAttribute(fresh, "unix:uid"))
        .isEqualTo(Files.getAttribute(root, "unix:uid"));
  }

  @Test
  void createGivesTheWorkspaceToTheTaskUser() throws Exception {
    org.assertj.core.api.Assumptions.assumeThat(System.getProperty("user.name"))
        .as("only root can give a folder away")
        .isEqualTo("root");
    Path fresh = root.resolve("runs/r3");

    new Workspace(fresh).create(65534, 65534);
    new Workspace(fresh).create(65534, 65534); // again: nothing to change

    assertThat(Files.getAttribute(fresh, "unix:uid")).isEqualTo(65534);
    assertThat(Files.getAttribute(fresh, "unix:gid")).isEqualTo(65534);
    assertThat(Files.getAttribute(fresh.getParent(), "unix:uid"))
        .as("only the workspace itself")
        .isEqualTo(0);
  }
}
