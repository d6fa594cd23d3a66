/**
 * gRPC status codes → one sentence and an exit code (2 usage/invalid, 3 not found, 4 refused by
 * state, 5 auth, 1 other), in one place.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { InvalidArgumentError } from '@hostplane/shared';
import { describe, expect, it } from 'vitest';
import { CliError, connectionCause, errorLine, fromServiceError, toCliError, type CallContext } from '../../cli/src/errors.js';

function grpcError(code: status, details: string): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
}

const ctx: CallContext = { address: '127.0.0.1:50051', hasToken: true, timeoutSeconds: 30 };

describe('gRPC code → sentence and exit code', () => {
  it.each([
    [status.INVALID_ARGUMENT, "limits.disk_space: invalid value '12X'", 2, "invalid argument: limits.disk_space: invalid value '12X'"],
    [status.OUT_OF_RANGE, 'page_size: too large', 2, 'invalid argument: page_size: too large'],
    [status.NOT_FOUND, "plan 'Gold' not found", 3, "plan 'Gold' not found"],
    [status.NOT_FOUND, "subscription 'a.example'", 3, "not found: subscription 'a.example'"],
    [status.ALREADY_EXISTS, "add-on 'Miva' is already attached to example.com", 4, "already exists: add-on 'Miva' is already attached to example.com"],
    [status.ALREADY_EXISTS, "customer 'alice' already exists", 4, "customer 'alice' already exists"],
    [status.FAILED_PRECONDITION, 'a custom subscription cannot take add-ons', 4, 'refused: a custom subscription cannot take add-ons'],
    [status.ABORTED, "plan 'Gold' is at version 4, not 3: reload and retry", 4, "aborted: plan 'Gold' is at version 4, not 3: reload and retry"],
    [status.RESOURCE_EXHAUSTED, 'reseller r1 has no disk left', 4, 'allocation exhausted: reseller r1 has no disk left'],
    [status.PERMISSION_DENIED, 'limits.disk_space is not delegated to the customer', 5, 'permission denied: limits.disk_space is not delegated to the customer'],
    [status.UNAVAILABLE, "the agent of host 'web1' is not connected", 1, "unavailable: the agent of host 'web1' is not connected"],
    [status.INTERNAL, 'internal error', 1, 'the controller failed: internal error'],
  ])('%s %s → exit %i', (code, details, exitCode, sentence) => {
    const err = fromServiceError(grpcError(code, details), ctx);
    expect(err.exitCode).toBe(exitCode);
    expect(err.message).toBe(sentence);
  });

  it('says the controller cannot be reached, shortly, when grpc-js could not connect', () => {
    const err = fromServiceError(
      grpcError(status.UNAVAILABLE, 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:50051. Resolution note: '),
      ctx,
    );
    expect(err.message).toBe('cannot reach the controller at 127.0.0.1:50051: is it running? (connection refused)');
    expect(err.exitCode).toBe(1);
    expect(connectionCause('Name resolution failed for target dns:nohost:1')).toBe('the name does not resolve');
    expect(connectionCause('No connection established. Last error: Error: Connection dropped')).toBe('Connection dropped');
  });

  it('tells how to authenticate, with or without a token', () => {
    const without = fromServiceError(grpcError(status.UNAUTHENTICATED, 'missing bearer token'), { ...ctx, hasToken: false });
    expect(without.message).toBe('not authenticated: set HOSTPLANE_TOKEN to an admin token of the controller at 127.0.0.1:50051');
    expect(without.exitCode).toBe(5);
    const wrong = fromServiceError(grpcError(status.UNAUTHENTICATED, 'unknown token'), ctx);
    expect(wrong.message).toBe('not authenticated: the controller at 127.0.0.1:50051 refused the token in HOSTPLANE_TOKEN (unknown token)');
    // An address nobody gave is said to be the default one: "some controller" is never left unnamed.
    const unnamed = fromServiceError(grpcError(status.UNAUTHENTICATED, 'unknown token'), { ...ctx, defaultAddress: true });
    expect(unnamed.message).toBe(
      'not authenticated: the controller at 127.0.0.1:50051 (the default: neither --controller nor HOSTPLANE_CONTROLLER is set) refused the token in HOSTPLANE_TOKEN (unknown token)',
    );
  });

  it('names the deadline on a timeout and the flag that raises it', () => {
    const err = fromServiceError(grpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'), ctx);
    expect(err.message).toBe('timed out after 30s waiting for the controller at 127.0.0.1:50051 (raise it with --timeout)');
  });

  it('lets a verb word a code its own way, keeping the exit code', () => {
    const err = fromServiceError(grpcError(status.FAILED_PRECONDITION, 'the conflicts changed'), {
      ...ctx,
      overrides: { [status.FAILED_PRECONDITION]: (d) => `refused: ${d}; nothing was accepted` },
    });
    expect(err.message).toBe('refused: the conflicts changed; nothing was accepted');
    expect(err.exitCode).toBe(4);
  });
});

describe('any failure → CliError', () => {
  it('keeps CLI errors, makes a shared InvalidArgumentError a usage error naming the key', () => {
    const own = new CliError('x', 4);
    expect(toCliError(own, ctx)).toBe(own);
    const invalid = toCliError(new InvalidArgumentError('limits.disk_space', "limits.disk_space: invalid value '12X'"), ctx);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.message).toBe("invalid argument: limits.disk_space: invalid value '12X'");
    expect(toCliError(grpcError(status.NOT_FOUND, "host 'w' not found"), ctx).exitCode).toBe(3);
    expect(toCliError(new TypeError('boom'), ctx)).toMatchObject({ exitCode: 1, message: 'unexpected failure: boom' });
  });

  it('prints one line', () => {
    expect(errorLine(new CliError('first line\n  second line'))).toBe('error: first line second line\n');
  });
});
