// Exit codes of the CLI contract (DESIGN.md): 0 ok, 1 runtime failure, 2 usage or config error.

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A bad command line, a bad input file or a bad config: the message names the file (and line). */
export class UsageError extends Error {
  readonly exitCode = ExitCode.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Something went wrong while doing the job (I/O, a peer, the gateway). */
export class RuntimeFailure extends Error {
  readonly exitCode = ExitCode.failure;
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeFailure';
  }
}
