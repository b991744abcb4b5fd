/** Reads a whole stream as UTF-8 text (the CLI's stdin). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  return text
}

/**
 * Takes a secret from the first line of `text` (what `--secret-stdin` reads), and the rest.
 * Hint: stdin, because a command line is readable by every user of the machine (`ps`,
 * /proc/<pid>/cmdline) and lands in shell history.
 */
export function splitSecret(text: string): { secret: string; rest: string } {
  const end = text.indexOf('\n')
  const secret = (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '')
  if (secret.trim() === '') throw new Error('--secret-stdin: the first line of stdin must be the secret')
  return { secret, rest: end === -1 ? '' : text.slice(end + 1) }
}

/** Warns that a secret was given on the command line; it still works, for old scripts. */
export function warnSecretOnArgv(stderr: NodeJS.WritableStream): void {
  stderr.write('warning: --secret on the command line is visible to other users of this machine; pipe it with --secret-stdin instead\n')
}
