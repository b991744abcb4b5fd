import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config.ts'
import { ROOT, tempDir } from '../e2e/harness.ts'

const key = (kid: string, bytes = 32) => `${kid}:${randomBytes(bytes).toString('base64url')}`
const KEYS = { EPAY_CARD_KEYS: key('c1'), EPAY_SESSION_KEYS: key('s1') }

// @see issue 9 item 3: production generated both keys and kept them beside the sealed PANs.
describe('loadConfig in production (EPAY_DEMO=0)', () => {
  it('refuses to start without EPAY_CARD_KEYS or EPAY_SESSION_KEYS, naming each', () => {
    expect(() => loadConfig({ EPAY_DEMO: '0' })).toThrow(/EPAY_CARD_KEYS: required[\s\S]*EPAY_SESSION_KEYS: required/)
    expect(() => loadConfig({ EPAY_DEMO: '0', EPAY_CARD_KEYS: KEYS.EPAY_CARD_KEYS })).toThrow(/EPAY_SESSION_KEYS: required/)
    expect(() => loadConfig({ EPAY_DEMO: 'false', EPAY_SESSION_KEYS: KEYS.EPAY_SESSION_KEYS })).toThrow(/EPAY_CARD_KEYS: required/)
    expect(loadConfig({ EPAY_DEMO: '0', ...KEYS })).toMatchObject({ demo: false, cardKeys: KEYS.EPAY_CARD_KEYS, sessionKeys: KEYS.EPAY_SESSION_KEYS })
  })

  it('reports a missing key together with every other bad value', () => {
    expect(() => loadConfig({ EPAY_DEMO: '0', PORT: 'eighty', EPAY_SESSION_KEYS: KEYS.EPAY_SESSION_KEYS })).toThrow(/PORT: must be an integer[\s\S]*EPAY_CARD_KEYS: required/)
  })

  it('refuses malformed and short keys, naming the variable', () => {
    expect(() => loadConfig({ EPAY_DEMO: '0', ...KEYS, EPAY_CARD_KEYS: 'no-kid' })).toThrow(/EPAY_CARD_KEYS: must look like kid:base64url/)
    expect(() => loadConfig({ EPAY_DEMO: '0', ...KEYS, EPAY_CARD_KEYS: key('c1', 16) })).toThrow(/EPAY_CARD_KEYS: key c1 must be 32 bytes/)
    expect(() => loadConfig({ EPAY_DEMO: '0', ...KEYS, EPAY_SESSION_KEYS: `${key('s2')},${key('s1', 8)}` })).toThrow(/EPAY_SESSION_KEYS: key s1 must be at least 32 bytes/)
  })

  it('listens on every interface unless HOST says otherwise', () => {
    expect(loadConfig({ EPAY_DEMO: '0', ...KEYS }).host).toBe('0.0.0.0')
    expect(loadConfig({ EPAY_DEMO: '0', ...KEYS, HOST: '10.0.0.5' }).host).toBe('10.0.0.5')
  })
})

describe('loadConfig in demo mode', () => {
  it('listens on loopback unless HOST says otherwise, and needs no keys', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1')
    expect(loadConfig({ EPAY_DEMO: '1' })).toMatchObject({ host: '127.0.0.1', cardKeys: undefined, sessionKeys: undefined })
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0')
  })
})

describe('EPAY_TRUST_PROXY', () => {
  it('takes the number of proxies; 1/0 and true/false keep their meaning', () => {
    expect(loadConfig({}).trustProxy).toBe(0)
    expect(loadConfig({ EPAY_TRUST_PROXY: '1' }).trustProxy).toBe(1)
    expect(loadConfig({ EPAY_TRUST_PROXY: 'true' }).trustProxy).toBe(1)
    expect(loadConfig({ EPAY_TRUST_PROXY: 'false' }).trustProxy).toBe(0)
    expect(loadConfig({ EPAY_TRUST_PROXY: '3' }).trustProxy).toBe(3)
    expect(() => loadConfig({ EPAY_TRUST_PROXY: 'yes' })).toThrow(/EPAY_TRUST_PROXY/)
  })
})

describe('EPAY_HOME_ZONES', () => {
  it('takes IANA zones, comma-separated, and refuses a name the tz database does not know', () => {
    expect(loadConfig({}).homeZones).toEqual([])
    expect(loadConfig({ EPAY_HOME_ZONES: 'Europe/Moscow, Asia/Kathmandu,' }).homeZones).toEqual(['Europe/Moscow', 'Asia/Kathmandu'])
    expect(() => loadConfig({ EPAY_HOME_ZONES: 'Europe/Moscow,Mars/Olympus' })).toThrow(/EPAY_HOME_ZONES/)
  })
})

describe('server start-up', () => {
  it('stops with a message naming the missing keys, before opening anything', () => {
    const dataDir = tempDir('epay-nokeys-')
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', EPAY_DEMO: '0', PORT: '0', DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('EPAY_CARD_KEYS: required when EPAY_DEMO=0')
    expect(result.stderr).toContain('EPAY_SESSION_KEYS: required when EPAY_DEMO=0')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})
