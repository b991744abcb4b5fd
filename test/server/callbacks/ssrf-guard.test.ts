import dns from 'node:dns'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isBlockedAddress } from '../../../server/callbacks/blocked-address.ts'
import { sendCallback } from '../../../server/callbacks/send-callback.ts'

/** A TCP listener of the test's own that counts every connection it is offered. */
async function countingListener(host: string, onConnection: (socket: Socket) => void = () => undefined): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let connections = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    connections += 1
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    onConnection(socket)
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve))
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    }),
  }
}

// @see issue 9 item 2: `https://[::ffff:127.0.0.1]:PORT/` made EPay connect to the mapped address.
describe('sendCallback SSRF guard (loopback listeners only)', () => {
  let v4: Awaited<ReturnType<typeof countingListener>>
  let v6: Awaited<ReturnType<typeof countingListener>>
  beforeAll(async () => {
    v4 = await countingListener('127.0.0.1')
    v6 = await countingListener('::1')
  })
  afterAll(async () => {
    await v4.close()
    await v6.close()
  })

  // Every spelling of a loopback or unspecified address that reaches (or on some host could
  // reach) the test's own listener: mapped, compatible, translated, NAT64, numeric IPv4 forms.
  const forms = (p4: number, p6: number) => [
    `https://127.0.0.1:${p4}/cb`,
    `https://127.1:${p4}/cb`,
    `https://2130706433:${p4}/cb`,
    `https://0x7f.0.0.1:${p4}/cb`,
    `https://0177.0.0.1:${p4}/cb`,
    `https://0.0.0.0:${p4}/cb`,
    `https://0:${p4}/cb`,
    `https://[::ffff:127.0.0.1]:${p4}/cb`,
    `https://[::ffff:7f00:1]:${p4}/cb`,
    `https://[0:0:0:0:0:ffff:127.0.0.1]:${p4}/cb`,
    `https://[::127.0.0.1]:${p4}/cb`,
    `https://[::ffff:0:127.0.0.1]:${p4}/cb`,
    `https://[64:ff9b::127.0.0.1]:${p4}/cb`,
    `https://[64:ff9b::7f00:1]:${p4}/cb`,
    `https://[64:ff9b:1::7f00:1]:${p4}/cb`,
    `https://[2002:7f00:1::]:${p4}/cb`,
    `https://localhost:${p4}/cb`,
    `https://localhost.:${p4}/cb`,
    `https://[::1]:${p6}/cb`,
    `https://[0:0:0:0:0:0:0:1]:${p6}/cb`,
    `https://[::]:${p6}/cb`,
    `https://[::]:${p4}/cb`,
  ]

  it('refuses every loopback form before connecting', async () => {
    for (const url of forms(v4.port, v6.port)) {
      const result = await sendCallback(url, '{}', {}, { allowLocal: false, timeoutMs: 2_000 })
      expect(result, url).toEqual({ ok: false, error: 'blocked address' })
    }
    expect(v4.connections()).toBe(0)
    expect(v6.connections()).toBe(0)
  })

  it('refuses a name whose resolved address is a mapped or NAT64 loopback', async () => {
    for (const address of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::127.0.0.1', '64:ff9b::7f00:1', '127.0.0.1', '::1']) {
      const lookup = async () => [{ address, family: 6 }]
      const result = await sendCallback(`https://callbacks.shop.example:${v4.port}/cb`, '{}', {}, { allowLocal: false, timeoutMs: 2_000, lookup })
      expect(result, address).toEqual({ ok: false, error: 'blocked address' })
    }
    expect(v4.connections()).toBe(0)
  })

  it('refuses a name when any one of its addresses is blocked', async () => {
    const lookup = async () => [{ address: '93.184.216.34', family: 4 }, { address: '::ffff:10.0.0.1', family: 6 }]
    expect(await sendCallback('https://callbacks.shop.example/cb', '{}', {}, { allowLocal: false, lookup })).toEqual({ ok: false, error: 'blocked address' })
  })

  // DNS rebinding: the name answers a public address to the check, then loopback to whoever asks
  // next. The connection must go to the address checked, so the system resolver is never asked
  // and the loopback listener sees nothing. (The public address is the one connection attempt
  // that leaves this machine: a single SYN to an unused port, cut off by the deadline.)
  it('connects to the address it checked, never to a second DNS answer', async () => {
    const systemLookup = dns.lookup
    const asked: string[] = []
    dns.lookup = ((host: string, options: unknown, callback?: unknown) => {
      asked.push(host)
      return (systemLookup as (h: string, o: unknown, c?: unknown) => void)('127.0.0.1', options, callback)
    }) as typeof dns.lookup
    try {
      const before = v4.connections()
      const lookup = async () => [{ address: '93.184.216.34', family: 4 }]
      const result = await sendCallback(`https://rebinding.shop.example:${v4.port}/cb`, '{}', {}, { allowLocal: false, timeoutMs: 300, lookup })
      expect(result.ok).toBe(false)
      expect(asked).not.toContain('rebinding.shop.example')
      expect(v4.connections()).toBe(before)
    } finally {
      dns.lookup = systemLookup
    }
  })

  it('still connects to loopback when local callbacks are allowed (demo and tests)', async () => {
    const before = v4.connections()
    await sendCallback(`https://[::ffff:127.0.0.1]:${v4.port}/cb`, '{}', {}, { allowLocal: true, timeoutMs: 300 })
    expect(v4.connections()).toBe(before + 1)
  })
})

describe('isBlockedAddress', () => {
  // Checked as addresses only: the tests never connect to a private or public address.
  const blocked = [
    '0.0.0.0', '0.1.2.3', '10.1.2.3', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.255.255.255', '169.254.169.254',
    '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.1', '192.168.1.1', '198.18.0.1', '198.51.100.7', '203.0.113.9',
    '224.0.0.1', '239.1.2.3', '240.0.0.1', '255.255.255.255',
    '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'febf::1', 'fec0::1', 'ff02::1', '2001:db8::1', '100::1',
    '::ffff:10.1.2.3', '::ffff:169.254.169.254', '::ffff:192.168.0.1', '::ffff:a01:203', '::ffff:a9fe:a9fe',
    '::10.1.2.3', '::169.254.169.254', '::ffff:0:10.0.0.1', '::ffff:0:a9fe:a9fe',
    '64:ff9b::10.1.2.3', '64:ff9b::a9fe:a9fe', '64:ff9b::c0a8:101', '64:ff9b:1::1.2.3.4',
    '2002:a01:203::1', '2002:c0a8:101::', '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '::FFFF:127.0.0.1', 'FE80::1', 'fe80::1%lo', 'not an address', '',
  ]
  it.each(blocked)('blocks %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true)
  })

  const allowed = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '2a00:1450:4001::200e', '::ffff:93.184.216.34', '64:ff9b::8.8.8.8']
  it.each(allowed)('allows the public address %s', (address) => {
    expect(isBlockedAddress(address)).toBe(false)
  })
})

describe('sendCallback error words', () => {
  const words = /^(refused|timeout|tls|reset|unreachable|dns|http [345]xx|failed|blocked address|not https|invalid url)$/

  it('reports a closed port as "refused", without the address or port', async () => {
    const closed = await countingListener('127.0.0.1')
    await closed.close()
    const result = await sendCallback(`http://127.0.0.1:${closed.port}/cb`, '{}', {}, { allowLocal: true })
    expect(result).toMatchObject({ ok: false, error: 'refused' })
    expect(JSON.stringify({ error: result.ok ? '' : result.error })).not.toContain(String(closed.port))
  })

  it('reports a silent server as "timeout"', async () => {
    const silent = await countingListener('127.0.0.1')
    try {
      expect(await sendCallback(`http://127.0.0.1:${silent.port}/cb`, '{}', {}, { allowLocal: true, timeoutMs: 200 })).toMatchObject({ ok: false, error: 'timeout' })
    } finally {
      await silent.close()
    }
  })

  it('reports a failed TLS handshake as "tls"', async () => {
    const plain = await countingListener('127.0.0.1', (socket) => socket.end('HTTP/1.1 200 OK\r\n\r\n'))
    try {
      const result = await sendCallback(`https://127.0.0.1:${plain.port}/cb`, '{}', {}, { allowLocal: true, timeoutMs: 2_000 })
      expect(result).toMatchObject({ ok: false, error: 'tls' })
    } finally {
      await plain.close()
    }
  })

  it('reports answers by class ("http 5xx") and keeps the status apart', async () => {
    let status = 503
    const server = createHttpServer((_req, res) => res.writeHead(status).end('stack trace at /srv/internal.js:1'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`
    try {
      expect(await sendCallback(url, '{}', {}, { allowLocal: true })).toEqual({ ok: false, status: 503, error: 'http 5xx' })
      status = 404
      expect(await sendCallback(url, '{}', {}, { allowLocal: true })).toEqual({ ok: false, status: 404, error: 'http 4xx' })
      status = 302
      expect(await sendCallback(url, '{}', {}, { allowLocal: true })).toEqual({ ok: false, status: 302, error: 'http 3xx' })
      status = 204
      expect(await sendCallback(url, '{}', {}, { allowLocal: true })).toEqual({ ok: true, status: 204 })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('answers every refusal with one of the stable words', async () => {
    for (const url of ['http://shop.example/cb', 'not a url', 'ftp://shop.example/cb', 'https://127.0.0.1/cb']) {
      const result = await sendCallback(url, '{}', {}, { allowLocal: false })
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error).toMatch(words)
    }
    const lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND callbacks.invalid'), { code: 'ENOTFOUND' })
    }
    expect(await sendCallback('https://callbacks.invalid/cb', '{}', {}, { allowLocal: false, lookup })).toMatchObject({ ok: false, error: 'dns' })
  })
})
