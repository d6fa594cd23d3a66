/**
 * Typed errors: one class per condition, each with a stable code. The Admin API maps these codes to
 * gRPC status codes in exactly one place; the CLI maps them back to sentences and exit codes.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'RESOURCE_EXHAUSTED';

export abstract class HostplaneError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A value or argument is malformed. `field` names the offending field or property key. */
export class InvalidArgumentError extends HostplaneError {
  readonly code = 'INVALID_ARGUMENT';
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type EntityKind = 'plan' | 'customer' | 'subscription' | 'host' | 'addon' | 'reseller' | 'token';

export class NotFoundError extends HostplaneError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly entity: EntityKind,
    readonly id: string,
    message?: string,
  ) {
    super(message ?? `${entity} '${id}' not found`);
  }
}

export class AlreadyExistsError extends HostplaneError {
  readonly code = 'ALREADY_EXISTS';
  constructor(
    readonly entity: EntityKind,
    readonly id: string,
    message?: string,
  ) {
    super(message ?? `${entity} '${id}' already exists`);
  }
}

/** The request is well formed but the current state does not allow it. */
export class FailedPreconditionError extends HostplaneError {
  readonly code = 'FAILED_PRECONDITION';
}

/** Optimistic concurrency: the caller's expected version is stale. Maps to ABORTED. */
export class ConflictError extends HostplaneError {
  readonly code = 'ABORTED';
  constructor(
    readonly entity: EntityKind,
    readonly id: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`${entity} '${id}' is at version ${actualVersion}, not ${expectedVersion}: reload and retry`);
  }
}

export class PermissionDeniedError extends HostplaneError {
  readonly code = 'PERMISSION_DENIED';
}

export class UnauthenticatedError extends HostplaneError {
  readonly code = 'UNAUTHENTICATED';
}

export class ResourceExhaustedError extends HostplaneError {
  readonly code = 'RESOURCE_EXHAUSTED';
}

export function isHostplaneError(err: unknown): err is HostplaneError {
  return err instanceof HostplaneError;
}
