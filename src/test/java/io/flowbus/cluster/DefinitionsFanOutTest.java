package io.flowbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flowbus.testing.LocalVertx;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

class DefinitionsFanOutTest {
  private static final DefinitionsStamp NEW = new DefinitionsStamp(4, "0123456789abcdef-new");
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void watchTheLog() {
    logged.start();
    ((Logger) LoggerFactory.getLogger(DefinitionsFanOut.class)).addAppender(logged);
  }

  @AfterEach
  void close() throws Exception {
    ((Logger) LoggerFactory.getLogger(DefinitionsFanOut.class)).detachAppender(logged);
  }

  @Test
  void waitsForEveryControllerAndNamesThoseThatDidNotTakeTheNewDefinitions() throws Exception {
    AtomicBoolean slowAnswered = new AtomicBoolean();
    vertx
        .eventBus()
        .consumer(
            Addresses.definitions("slow"),
            m ->
                vertx.setTimer(
                    300,
                    t -> {
                      slowAnswered.set(true);
                      m.reply(new DefinitionsStamp(5, "fedcba9876543210-newer").toJson());
                    }));
    vertx
        .eventBus()
        .consumer(
            Addresses.definitions("behind"), m -> m.reply(new DefinitionsStamp(3, "old").toJson()));
    vertx.eventBus().consumer(Addresses.definitions("silent"), m -> {});
    DefinitionsFanOut fanOut =
        new DefinitionsFanOut(vertx, () -> List.of("slow", "behind", "silent", "gone"), 1_000);

    fanOut.tellAll(NEW).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(slowAnswered).isTrue();
    List<String> warnings =
        logged.list.stream()
            .filter(e -> e.getLevel() == Level.WARN)
            .map(ILoggingEvent::getFormattedMessage)
            .toList();
    assertThat(warnings).hasSize(3);
    assertThat(warnings)
        .anySatisfy(
            w ->
                assertThat(w).startsWith("node behind still holds definitions 3/old instead of 4/"))
        .anySatisfy(w -> assertThat(w).startsWith("node silent did not confirm definitions 4/"))
        .anySatisfy(w -> assertThat(w).startsWith("node gone did not confirm definitions 4/"))
        .noneSatisfy(w -> assertThat(w).contains("slow"));
  }

  @Test
  void aNodeAloneHasNoOneToWaitFor() throws Exception {
    new DefinitionsFanOut(vertx, List::of, 1_000)
        .tellAll(NEW)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    assertThat(logged.list).isEmpty();
  }
}
