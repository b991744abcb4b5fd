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

/**
 * The refusal of a secret on the command line: argv is readable by every user of the machine
 * (`ps`, `/proc/<pid>/cmdline`) and lands in shell history, so a secret there has leaked
 * before the command even runs.
 */
export function secretOnArgvError(): Error {
  return new Error('--secret on the command line is refused: other users of this machine can read it (ps, /proc) and it stays in shell history. Pipe it instead: printf %s "$SECRET" | npm run cli -- … --secret-stdin')
}
