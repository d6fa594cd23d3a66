/**
 * What every verb gets: where to write, the connection (opened on first use from the global flags
 * and the environment, closed by `run` at the end), and the two helpers that give every verb the
 * same shape: `verb` declares a command with `--json` and examples in its help, `emit` prints
 * either the JSON shape or the human rendering.
 */
import type { Command } from 'commander';
import { AdminApi, resolveConnection, type ConnectionFlags } from './client.js';
import { renderJson, type Io } from './output.js';

export interface Context {
  readonly io: Io;
  /** Aborted on SIGINT/SIGTERM: streaming verbs end quietly. */
  readonly signal: AbortSignal;
  /** The Admin API, connected with the global flags of `cmd`. */
  api(cmd: Command): AdminApi;
  /** `--json`: the JSON shape; otherwise the human rendering. */
  emit(json: boolean | undefined, data: unknown, human: () => string): void;
  /** Closes the connection, if one was opened. */
  close(): void;
}

export function createContext(io: Io, signal: AbortSignal): Context {
  let api: AdminApi | undefined;
  return {
    io,
    signal,
    api(cmd) {
      api ??= new AdminApi(resolveConnection(cmd.optsWithGlobals<ConnectionFlags>(), io.env), io.stderr);
      return api;
    },
    emit(json, data, human) {
      io.stdout.write(json ? renderJson(data) : human());
    },
    close() {
      api?.close();
      api = undefined;
    },
  };
}

/** The options every verb has. */
export interface VerbOptions {
  json?: boolean;
}

/**
 * Declares a verb under `parent`: `nameAndArgs` as commander takes it (`show <name>`), a one-line
 * description, and examples shown at the end of `--help`. Adds `--json`.
 */
export function verb(parent: Command, nameAndArgs: string, description: string, examples: readonly string[]): Command {
  return group(parent, nameAndArgs, description, examples).option('--json', 'print JSON for tools instead of a table');
}

/** A group of verbs (`plan`, `sub addon`): its help lists them and examples; alone, it is a usage error. */
export function group(parent: Command, name: string, description: string, examples: readonly string[] = []): Command {
  const cmd = parent.command(name).description(description);
  if (examples.length > 0) cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  return cmd;
}
