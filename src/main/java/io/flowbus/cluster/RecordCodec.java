package io.flowbus.cluster;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Carries an immutable record over the event bus. Within the node the record itself is delivered
 * (no copy, no JSON: it cannot change under its receiver); to another node it travels as its JSON
 * form, length first, as a {@link JsonObject} body would.
 *
 * @param <T> a record whose components cannot change once it is built
 */
final class RecordCodec<T> implements MessageCodec<T, T> {
  private final String name;
  private final Function<T, JsonObject> toJson;
  private final Function<JsonObject, T> fromJson;

  /**
   * @param name the codec's name, the same on every node: it travels with each remote message
   */
  RecordCodec(String name, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson) {
    this.name = name;
    this.toJson = toJson;
    this.fromJson = fromJson;
  }

  @Override
  public void encodeToWire(Buffer buffer, T record) {
    Buffer encoded = toJson.apply(record).toBuffer();
    buffer.appendInt(encoded.length());
    buffer.appendBuffer(encoded);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    int start = pos + 4;
    return fromJson.apply(new JsonObject(buffer.slice(start, start + length)));
  }

  @Override
  public T transform(T record) {
    return record;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
