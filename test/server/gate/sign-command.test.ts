import { PassThrough, Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { signCommand } from '../../../server/cli/sign.ts'
import { splitSignature, verify } from '../../../server/signature/signature.ts'
import type { Signable } from '../../../server/signature/string-to-sign.ts'

const run = async (args: string[], stdin = '') => {
  const stdout = new PassThrough()
  let text = ''
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  await signCommand(args, { stdin: Readable.from([stdin]), stdout })
  return text
}

describe('npm run cli -- sign', () => {
  const request = { general: { project_id: 112, payment_id: 'o-1' }, payment: { amount: 1500, currency: 'EUR' } }

  it('fills in general.signature, verifiable with the project secret', async () => {
    const signed = JSON.parse(await run(['--secret', 's3cret'], JSON.stringify(request))) as Record<string, Signable>
    const { signature, params } = splitSignature(signed)
    expect(params).toEqual(request)
    expect(verify(params, signature!, 's3cret')).toBe(true)
    expect(verify(params, signature!, 'other')).toBe(false)
  })

  it('takes the JSON as an argument too, and replaces a stale signature', async () => {
    const stale = { ...request, general: { ...request.general, signature: 'old' } }
    const fromArg = JSON.parse(await run(['--secret', 's3cret', JSON.stringify(stale)])) as { general: { signature: string } }
    const fromStdin = JSON.parse(await run(['--secret', 's3cret'], JSON.stringify(request))) as { general: { signature: string } }
    expect(fromArg.general.signature).toBe(fromStdin.general.signature)
  })

  it('refuses a missing secret and a body that is not a JSON object', async () => {
    await expect(run([], '{}')).rejects.toThrow(/usage/)
    await expect(run(['--secret', 's'], '[1]')).rejects.toThrow(/JSON object/)
    await expect(run(['--secret', 's'], '{')).rejects.toThrow(/not valid JSON/)
  })
})
