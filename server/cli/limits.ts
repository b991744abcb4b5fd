import { parseArgs } from 'node:util'
import { isCurrency } from '../../protocol/money.ts'
import { openDatabase } from '../compose.ts'
import { loadConfig } from '../config.ts'
import { LIMITED_OPERATIONS, type AmountLimits, type LimitedOperation } from '../domain/limits.ts'
import { createLimitStore } from '../storage/limits-store.ts'

const USAGE = `usage: npm run cli -- limits <command>
  limits set --project N --operation ${LIMITED_OPERATIONS.join('|')} --currency C [--min A] [--max A] [--daily-amount A] [--daily-count N]
  limits list --project N
amounts are integers in minor units; an option left out means "no limit"`

/** `limits set|list`: a project's limits per operation and currency (SPEC §6), without SQL. */
export async function limitsCommand(args: string[], stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  const [command, ...rest] = args
  const { values } = parseArgs({
    args: rest,
    options: {
      project: { type: 'string' }, operation: { type: 'string' }, currency: { type: 'string' },
      min: { type: 'string' }, max: { type: 'string' }, 'daily-amount': { type: 'string' }, 'daily-count': { type: 'string' },
    },
  })
  const project = positive(values.project, '--project')
  if (project === undefined || (command !== 'set' && command !== 'list')) throw new Error(USAGE)
  const sql = await openDatabase(loadConfig())
  try {
    const store = createLimitStore(sql)
    if (command === 'list') {
      for (const l of await store.list(project)) {
        stdout.write(`${l.operation}\t${l.currency}\tmin=${l.minAmount ?? '-'}\tmax=${l.maxAmount ?? '-'}\tdaily_amount=${l.dailyAmount ?? '-'}\tdaily_count=${l.dailyCount ?? '-'}\n`)
      }
      return
    }
    const operation = values.operation as LimitedOperation
    const currency = values.currency?.toUpperCase() ?? ''
    if (!LIMITED_OPERATIONS.includes(operation) || !isCurrency(currency)) throw new Error(USAGE)
    const limits: AmountLimits = {
      minAmount: positive(values.min, '--min'),
      maxAmount: positive(values.max, '--max'),
      dailyAmount: positive(values['daily-amount'], '--daily-amount'),
      dailyCount: positive(values['daily-count'], '--daily-count'),
    }
    await store.set(project, operation, currency, limits)
    stdout.write(`limits of project ${project} for ${operation} in ${currency} saved\n`)
  } finally {
    await sql.close()
  }
}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`)
  return n
}
