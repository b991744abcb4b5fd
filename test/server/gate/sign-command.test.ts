import { PassThrough, Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { signCommand } from '../../../server/cli/sign.ts'
import { splitSignature, verify } from '../../../server/signature/signature.ts'
import type { Signable } from '../../../server/signature/string-to-sign.ts'

let warnings = ''
const run = async (args: string[], stdin = '') => {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let text = ''
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  stderr.on('data', (chunk: Buffer) => (warnings += chunk.toString('utf8')))
  await signCommand(args, { stdin: Readable.from([stdin]), stdout, stderr })
  return text
}

describe('npm run cli -- sign', () => {
  const request = { general: { project_id: 112, payment_id: 'o-1' }, payment: { amount: 1500, currency: 'EUR' } }

  it('fills in general.signature, verifiable with the project secret', async () => {
    const signed = JSON.parse(await run(['--secret-stdin'], `s3cret\n${JSON.stringify(request)}`)) as Record<string, Signable>
    const { signature, params } = splitSignature(signed)
    expect(params).toEqual(request)
    expect(verify(params, signature!, 's3cret')).toBe(true)
    expect(verify(params, signature!, 'other')).toBe(false)
  })

  it('takes the JSON as an argument too, and replaces a stale signature', async () => {
    const stale = { ...request, general: { ...request.general, signature: 'old' } }
    const fromArg = JSON.parse(await run(['--secret-stdin', JSON.stringify(stale)], 's3cret\n')) as { general: { signature: string } }
    const fromStdin = JSON.parse(await run(['--secret-stdin'], `s3cret\n${JSON.stringify(request)}`)) as { general: { signature: string } }
    expect(fromArg.general.signature).toBe(fromStdin.general.signature)
  })

  // @see issue 9 item 7: the secret had to be given on the command line, readable by every user.
  it('reads the secret from the first line of stdin, then the JSON (or takes the JSON as an argument)', async () => {
    warnings = ''
    const piped = JSON.parse(await run(['--secret-stdin'], `s3cret\n${JSON.stringify(request)}`)) as Record<string, Signable>
    const { signature, params } = splitSignature(piped)
    expect(params).toEqual(request)
    expect(verify(params, signature!, 's3cret')).toBe(true)
    const withArg = JSON.parse(await run(['--secret-stdin', JSON.stringify(request)], 's3cret\r\n')) as Record<string, Signable>
    expect(withArg).toEqual(piped)
    expect(warnings).toBe('')
    await expect(run(['--secret-stdin'], `\n${JSON.stringify(request)}`)).rejects.toThrow(/first line of stdin must be the secret/)
  })

  // @see issue 9 item 7: argv is readable by every user of the machine (ps, /proc) and kept in shell history.
  it('refuses a secret on the command line, alone or beside --secret-stdin', async () => {
    await expect(run(['--secret', 's3cret'], JSON.stringify(request))).rejects.toThrow(/--secret on the command line is refused.*--secret-stdin/)
    await expect(run(['--secret-stdin', '--secret', 's'], 's\n{}')).rejects.toThrow(/--secret on the command line is refused/)
  })

  it('refuses a missing secret and a body that is not a JSON object', async () => {
    await expect(run([], '{}')).rejects.toThrow(/usage/)
    await expect(run(['--secret-stdin'], 's\n[1]')).rejects.toThrow(/JSON object/)
    await expect(run(['--secret-stdin'], 's\n{')).rejects.toThrow(/not valid JSON/)
  })
})
