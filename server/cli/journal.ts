import { openDatabase } from '../compose.ts'
import { loadConfig } from '../config.ts'
import { verifyJournal } from '../dashboard/journal/verify-journal.ts'

/** `journal verify`: walks every hash chain; exits non-zero naming each changed or missing row. */
export async function journalCommand(args: string[], stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  if (args[0] !== 'verify' || args.length > 1) throw new Error('usage: npm run cli -- journal verify')
  const sql = await openDatabase(loadConfig())
  try {
    const result = await verifyJournal(sql)
    if (result.ok) {
      stdout.write(`journal intact: ${result.checked} entries checked\n`)
      return
    }
    for (const p of result.problems) stdout.write(`chain ${p.chain}, entry ${p.seq}: ${p.reason}\n`)
    throw new Error(`journal verification FAILED: ${result.problems.length} problem(s) in ${result.checked} entries`)
  } finally {
    await sql.close()
  }
}
