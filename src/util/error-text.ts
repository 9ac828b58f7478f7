// An error in one line for logs, with what makes it clear: a stack alone can read just "Error"
// (an AggregateError of a refused connection has no message of its own), and a database error's
// code and detail, or the cause of a failed fetch, are where the reason is.
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const extra = err as Error & { code?: unknown; detail?: unknown; errors?: unknown; cause?: unknown };
  let text = err.message ? `${err.name}: ${err.message}` : err.name;
  if (typeof extra.code === 'string' && !text.includes(extra.code)) text += ` [${extra.code}]`;
  if (typeof extra.detail === 'string' && extra.detail) text += ` (${extra.detail})`;
  if (Array.isArray(extra.errors) && extra.errors.length > 0) text += ` (${extra.errors.map(errorText).join('; ')})`;
  if (extra.cause !== undefined && extra.cause !== err) text += `; cause: ${errorText(extra.cause)}`;
  return text;
}

/** errorText() and then the stack's frames (the stack's first line repeats the message). */
export function errorWithStack(err: unknown): string {
  const text = errorText(err);
  const frames = err instanceof Error && err.stack ? err.stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
  return frames.length > 0 ? `${text}\n${frames.join('\n')}` : text;
}
