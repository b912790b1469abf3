package io.flowbus.controller;

import io.flowbus.cluster.ResultBatch;
import io.flowbus.cluster.ResultBatch.Answer;
import io.flowbus.cluster.TaskResult;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The answers to one batch of results: each result is answered in its place, on its own time, and
 * the batch is answered once all of them are. A result answered twice keeps its first answer.
 */
final class BatchAnswers {
  private final Message<ResultBatch> message;
  private final Answer[] answers;
  private int left;

  private BatchAnswers(Message<ResultBatch> message) {
    this.message = message;
    this.answers = new Answer[message.body().results().size()];
    this.left = answers.length;
  }

  /** The results of the batch {@code message} carries, each to be answered. */
  static List<Delivered> of(Message<ResultBatch> message) {
    BatchAnswers batch = new BatchAnswers(message);
    List<TaskResult> results = message.body().results();
    if (results.isEmpty()) {
      message.reply(new ResultBatch.Answers(List.of()));
    }
    List<Delivered> delivered = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      delivered.add(new Delivered(results.get(i), i, batch));
    }
    return delivered;
  }

  private void answer(int index, Answer answer) {
    if (answers[index] != null) {
      return;
    }
    answers[index] = answer;
    if (--left == 0) {
      message.reply(new ResultBatch.Answers(Arrays.asList(answers)));
    }
  }

  /** One result of a batch, with its place for the answer. */
  record Delivered(TaskResult result, int index, BatchAnswers batch) {
    /** Taken in: applied, or acknowledged without (its attempt had been given up). */
    void taken(boolean applied) {
      batch.answer(index, Answer.taken(applied));
    }

    /** Refused with {@code problem} (its status says whether sending it again may help). */
    void refused(JsonObject problem) {
      batch.answer(index, Answer.refused(problem));
    }
  }
}
