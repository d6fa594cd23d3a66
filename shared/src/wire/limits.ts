/**
 * Sizes on the wire between controller and agents. Every gRPC message is at most MAX_MESSAGE_BYTES
 * (the controller refuses larger ones before any caller is known); what an agent reports is cut to
 * fit, whatever the number of sites on its host.
 */

/** The largest gRPC message the controller accepts (gRPC's own default). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** The longest apply error kept for one subscription (the agent's log has the whole text). */
export const MAX_APPLY_ERROR_CHARS = 1000;

/** The apply errors of one acknowledgement, together, at most (the rest are shortened). */
export const ACK_ERRORS_BUDGET_CHARS = 2 * 1024 * 1024;

/** An apply error cut to MAX_APPLY_ERROR_CHARS, saying so. */
export function clipApplyError(error: string): string {
  return error.length <= MAX_APPLY_ERROR_CHARS ? error : `${error.slice(0, MAX_APPLY_ERROR_CHARS - 1)}…`;
}

/** What an acknowledgement says of a failure once its budget for error texts is spent (too many to carry). */
export const APPLY_ERROR_UNTOLD = 'failed to apply (the error is in the agent log)';
