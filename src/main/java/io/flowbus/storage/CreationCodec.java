package io.flowbus.storage;

import io.flowbus.model.Idempotency;
import io.flowbus.model.RunEvent;
import io.flowbus.model.Secrets;
import io.flowbus.model.Trigger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The journal's first line, a run's creation: the job and definitions version its plan is read back
 * from, its inputs with {@code ***} in place of each secret (read back from the run's secrets
 * file), its idempotency key and the schedule that started it.
 */
final class CreationCodec {
  private CreationCodec() {}

  static JsonObject encode(RunEvent.Created e, JsonObject json) {
    Map<String, String> masked = new LinkedHashMap<>(e.inputs());
    e.secretInputs().forEach(name -> masked.computeIfPresent(name, (k, v) -> Secrets.MASK));
    json.put("type", "created")
        .put("run_id", e.runId())
        .put("job", e.plan().job().id())
        .put("definitions_version", e.plan().definitionsVersion())
        .put("inputs", new JsonObject(new LinkedHashMap<>(masked)))
        .put("secret_inputs", new JsonArray(List.copyOf(e.secretInputs())));
    if (e.idempotency() != null) {
      json.put(
          "idempotency",
          new JsonObject()
              .put("key", e.idempotency().key())
              .put("fingerprint", e.idempotency().fingerprint()));
    }
    if (e.trigger() != null) {
      json.put("trigger", trigger(e.trigger()));
    }
    return json;
  }

  static RunEvent.Created decode(JsonObject json, Instant at, EventCodec.References refs)
      throws Exception {
    String runId = json.getString("run_id");
    Set<String> secretNames = new HashSet<>();
    json.getJsonArray("secret_inputs", new JsonArray()).forEach(n -> secretNames.add((String) n));
    Map<String, String> inputs = new LinkedHashMap<>();
    json.getJsonObject("inputs", new JsonObject())
        .forEach(e -> inputs.put(e.getKey(), String.valueOf(e.getValue())));
    if (!secretNames.isEmpty()) {
      Map<String, String> secrets = refs.secrets(runId);
      for (String name : secretNames) {
        if (inputs.containsKey(name)) {
          inputs.put(name, secrets.getOrDefault(name, Secrets.MASK));
        }
      }
    }
    JsonObject keyed = json.getJsonObject("idempotency");
    JsonObject trigger = json.getJsonObject("trigger");
    return new RunEvent.Created(
        at,
        runId,
        refs.plan(json.getString("definitions_version"), json.getString("job")),
        inputs,
        secretNames,
        keyed == null
            ? null
            : new Idempotency(keyed.getString("key"), keyed.getString("fingerprint")),
        trigger == null ? null : trigger(trigger));
  }

  private static JsonObject trigger(Trigger trigger) {
    return new JsonObject()
        .put("schedule", trigger.schedule())
        .put("due_at", trigger.dueAt() == null ? null : trigger.dueAt().toString());
  }

  private static Trigger trigger(JsonObject json) {
    String dueAt = json.getString("due_at");
    return new Trigger(json.getString("schedule"), dueAt == null ? null : Instant.parse(dueAt));
  }
}
