/**
 * The one place where errors become gRPC statuses. Typed domain errors keep their code and message;
 * anything else is INTERNAL with a generic message, and is logged in full.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import { escapeControls, isHostplaneError, type ErrorCode } from '@hostplane/shared';
import type { Logger } from '../logger.js';

const CODES: Record<ErrorCode, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  ABORTED: status.ABORTED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
};

/** Error details travel in a header: bounded, whatever a message echoed. */
const MAX_DETAILS = 1000;

function bounded(text: string, max: number): string {
  const flat = escapeControls(text);
  return flat.length > max ? `${flat.slice(0, max)}… (truncated)` : flat;
}

export type GrpcError = Partial<ServiceError> & { code: status; details: string };

export function toGrpcError(err: unknown, log: Logger, method: string): GrpcError {
  if (isHostplaneError(err)) {
    const metadata = new Metadata();
    if ('field' in err && typeof err.field === 'string') metadata.set('hostplane-field', bounded(err.field, 200));
    return { code: CODES[err.code], details: bounded(err.message, MAX_DETAILS), metadata };
  }
  const id = Math.random().toString(36).slice(2, 10);
  log.error({ err, method, errorId: id }, 'internal error');
  return { code: status.INTERNAL, details: `internal error (id ${id}; see the controller log)` };
}
