/**
 * The tasks extension's methods on one SDK server (the SDK has the types
 * only): `tasks/get`, `tasks/cancel` and `tasks/update`, answered from the
 * process's task board. The SDK checks each request's params against the
 * schemas here before the board sees it.
 *
 * @module
 */

import type { Server } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { TaskBoard } from "./task_board.ts";

/** The extension a client declares when it takes tasks. */
export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

const TASK_ID = z.string({ error: "taskId must be a task's id." })
  .min(1, { error: "taskId must be a task's id." });
const TASK_PARAMS = z.looseObject({ taskId: TASK_ID });
const UPDATE_PARAMS = z.looseObject({
  taskId: TASK_ID,
  inputResponses: z.record(z.string(), z.unknown()).optional(),
});
const TASK_RESULT = z.looseObject({});

/**
 * Serves the tasks extension on `server` from `board`, and declares it.
 *
 * @example
 * ```ts ignore
 * serveTasks(server, board);
 * ```
 */
export function serveTasks(server: Server, board: TaskBoard): void {
  server.registerCapabilities({ extensions: { [TASKS_EXTENSION]: {} } });
  server.setRequestHandler(
    "tasks/get",
    { params: TASK_PARAMS, result: TASK_RESULT },
    ({ taskId }) => board.get(taskId),
  );
  server.setRequestHandler(
    "tasks/cancel",
    { params: TASK_PARAMS, result: TASK_RESULT },
    ({ taskId }) => board.cancel(taskId),
  );
  server.setRequestHandler(
    "tasks/update",
    { params: UPDATE_PARAMS, result: TASK_RESULT },
    // The SDK lifts a request's `inputResponses` into its context.
    ({ taskId, inputResponses }, ctx) =>
      board.update(taskId, ctx.mcpReq.inputResponses ?? inputResponses),
  );
}
