package io.flowbus.worker;

import java.io.IOException;

/**
 * An attempt could not be started, or followed once started, because its worker stops: it is handed
 * back (LOST, to run elsewhere), not failed.
 */
final class WorkerStoppingException extends IOException {
  WorkerStoppingException(Throwable cause) {
    super("the worker is stopping", cause);
  }
}
