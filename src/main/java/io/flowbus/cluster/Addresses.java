package io.flowbus.cluster;

/**
 * Event-bus addresses. Each worker has addresses of its own, so that the orchestrator chooses the
 * node (by free slots) instead of the event bus's round-robin, which skews with consumer counts.
 */
public final class Addresses {
  /** {@link ResultBatch}es sent by workers to whichever node orchestrates now. */
  public static final String ORCHESTRATOR_RESULTS = "flowbus.orchestrator.result-batches";

  /** Published when a node starts or stops taking tasks, so the orchestrator looks again. */
  public static final String WORKERS_CHANGED = "flowbus.workers.changed";

  /**
   * Published with the new version once a replacement of the definitions is in force on every
   * controller that answered (see {@link #definitions}).
   */
  public static final String DEFINITIONS_CHANGED = "flowbus.definitions.changed";

  private Addresses() {}

  /**
   * {@link OrchestratorRequest}s to the node that orchestrates now, at its own address: a
   * controller sends to the node it believes leads, and so knows whom it waits for.
   */
  public static String orchestratorApi(String nodeId) {
    return "flowbus.orchestrator." + nodeId + ".api";
  }

  /**
   * {@link DefinitionsStamp}s to one controller node: it takes the cluster's definitions if it
   * holds older ones, and answers with the stamp it holds then.
   */
  public static String definitions(String nodeId) {
    return "flowbus.definitions." + nodeId;
  }

  /** Task assignments for one worker node. */
  public static String workerTasks(String nodeId) {
    return "flowbus.worker." + nodeId + ".tasks";
  }

  /** Cancel and inventory requests for one worker node. */
  public static String workerControl(String nodeId) {
    return "flowbus.worker." + nodeId + ".control";
  }

  /** Every state change of one run, for its event streams. */
  public static String runEvents(String runId) {
    return "flowbus.run." + runId + ".events";
  }
}
