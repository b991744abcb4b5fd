import { parseArgs } from 'node:util'
import { sign } from '../signature/signature.ts'
import type { Signable } from '../signature/string-to-sign.ts'
import { readAll, splitSecret, secretOnArgvError } from './stdin.ts'

const USAGE = `usage: npm run cli -- sign --secret-stdin [JSON]
  stdin: the project secret on the first line, then the JSON request unless it is given as an argument`

/**
 * `sign`: prints a Gate request with `general.signature` filled in, so curl examples and
 * scripts can call the API without an SDK (docs/api.md). Needs no database: the secret is
 * given, so it also works while the server holds an embedded database open.
 */
export async function signCommand(
  args: string[],
  io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr?: NodeJS.WritableStream } = process,
): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { secret: { type: 'string' }, 'secret-stdin': { type: 'boolean' } }, allowPositionals: true })
  if (values.secret !== undefined) throw secretOnArgvError()
  if (values['secret-stdin'] !== true || positionals.length > 1) throw new Error(USAGE)
  const input = splitSecret(await readAll(io.stdin))
  const secret = input.secret
  const text = positionals[0] ?? input.rest
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new Error('sign: the request is not valid JSON')
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('sign: the request must be a JSON object')
  const params = body as Record<string, Signable>
  const general = params['general'] && typeof params['general'] === 'object' && !Array.isArray(params['general']) ? params['general'] : {}
  io.stdout.write(`${JSON.stringify({ ...params, general: { ...general, signature: sign(params, secret) } })}\n`)
}
