import { existsSync, readdirSync, readFileSync } from 'node:fs'

/** CPU time in milliseconds, by who spent it, since some start. */
export type CpuShares = { database: number; epay: number; loadGenerator: number; machine: number }

type Snapshot = { perProcess: Map<string, { group: 'database' | 'epay'; ms: number }>; self: number; machine: number }

// Linux's USER_HZ: /proc reports CPU time in ticks of 10 ms.
const TICK_MS = 10

/**
 * Where the machine's CPU goes during a run, read from /proc (Linux): PostgreSQL's processes,
 * EPay's server processes (every `server/main.ts`, cluster workers included), this process (the
 * load generator and the merchant's callback receiver), and the whole machine. Undefined where
 * /proc is missing. Processes that exit during the run are not counted (pools keep theirs).
 */
export function cpuMeter(): (() => CpuShares) | undefined {
  if (!existsSync('/proc/stat')) return undefined
  const start = snapshot()
  return () => {
    const end = snapshot()
    const shares: CpuShares = { database: 0, epay: 0, loadGenerator: end.self - start.self, machine: end.machine - start.machine }
    for (const [pid, now] of end.perProcess) shares[now.group] += now.ms - (start.perProcess.get(pid)?.ms ?? 0)
    return shares
  }
}

function snapshot(): Snapshot {
  const perProcess = new Map<string, { group: 'database' | 'epay'; ms: number }>()
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const group = name === 'postgres' ? 'database' : name === 'node' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('server/main.ts') ? 'epay' : undefined
      if (!group) continue
      // Fields after the name: state is the first, utime the 12th and stime the 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      perProcess.set(pid, { group, ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS })
    } catch {
      // The process ended between the listing and the read.
    }
  }
  const self = process.cpuUsage()
  // The machine: user, nice, system, irq and softirq of every core (idle and iowait left out).
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  return { perProcess, self: (self.user + self.system) / 1000, machine: (user! + nice! + system! + irq! + softirq!) * TICK_MS }
}
