package io.flowbus.worker;

import io.flowbus.model.AttemptState;

/**
 * How a command ended.
 *
 * @param exitCode null when the command never started
 * @param error null on success
 */
record CommandOutcome(AttemptState state, Integer exitCode, String error) {}
