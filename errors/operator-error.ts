// The one base of every expected, operator-facing failure: a message, a hint (what to do) and the
// process exit code. cli/main.ts prints these without a stack and exits with their code; anything
// else that reaches it is a bug (exit 70). Kept free of imports so every layer can use it.

export class OperatorError extends Error {
  constructor(
    message: string,
    readonly hint: string | undefined,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Bad usage or configuration: printed without a stack trace, exit 2, nothing executed. */
export class UsageError extends OperatorError {
  override readonly name = 'UsageError';
  constructor(message: string, hint?: string) {
    super(message, hint, 2);
  }
}
