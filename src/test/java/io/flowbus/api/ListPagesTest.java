package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.cluster.ProblemException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ListPagesTest {
  private final JsonObject whole =
      new JsonObject()
          .put(
              "items",
              new JsonArray()
                  .add(new JsonObject().put("id", "a"))
                  .add(new JsonObject().put("id", "b"))
                  .add(new JsonObject().put("id", "c")));

  @Test
  void withoutLimitOnePageHoldsEveryItemAndNextIsNull() {
    JsonObject page = ListPages.page(whole, null, null);

    assertThat(ids(page)).containsExactly("a", "b", "c");
    assertThat(page.containsKey("next")).isTrue();
    assertThat(page.getString("next")).isNull();
  }

  @Test
  void pagesFollowTheirCursorsToTheEnd() {
    JsonObject first = ListPages.page(whole, 2, null);
    JsonObject second = ListPages.page(whole, 2, first.getString("next"));

    assertThat(ids(first)).containsExactly("a", "b");
    assertThat(first.getString("next")).isEqualTo("b");
    assertThat(ids(second)).containsExactly("c");
    assertThat(second.getString("next")).isNull();
    assertThat(ListPages.page(whole, 1, "b").getString("next"))
        .as("a page that ends at the last item has no next")
        .isNull();
  }

  @Test
  void anEmptyListIsOnePageWithoutNext() {
    JsonObject page = ListPages.page(new JsonObject().put("items", new JsonArray()), 5, null);

    assertThat(ids(page)).isEmpty();
    assertThat(page.getString("next")).isNull();
  }

  @Test
  void aCursorThatNamesNoItemIsA400() {
    assertThatThrownBy(() -> ListPages.page(whole, 2, "zz"))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("'after' names no item of this list: 'zz'")
        .extracting(e -> ((ProblemException) e).status())
        .isEqualTo(400);
  }

  private static java.util.List<Object> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(i -> ((JsonObject) i).getValue("id")).toList();
  }
}
