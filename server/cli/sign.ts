import { parseArgs } from 'node:util'
import { sign } from '../signature/signature.ts'
import type { Signable } from '../signature/string-to-sign.ts'

const USAGE = 'usage: npm run cli -- sign --secret S [JSON]   (reads the JSON from stdin when it is not given)'

/**
 * `sign`: prints a Gate request with `general.signature` filled in, so curl examples and
 * scripts can call the API without an SDK (docs/api.md). Needs no database: the secret is
 * given, so it also works while the server holds an embedded database open.
 */
export async function signCommand(args: string[], io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream } = process): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { secret: { type: 'string' } }, allowPositionals: true })
  if (!values.secret || positionals.length > 1) throw new Error(USAGE)
  const text = positionals[0] ?? (await readAll(io.stdin))
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new Error('sign: the request is not valid JSON')
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('sign: the request must be a JSON object')
  const params = body as Record<string, Signable>
  const general = params['general'] && typeof params['general'] === 'object' && !Array.isArray(params['general']) ? params['general'] : {}
  io.stdout.write(`${JSON.stringify({ ...params, general: { ...general, signature: sign(params, values.secret) } })}\n`)
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  return text
}
