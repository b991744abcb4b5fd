import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import * as v from 'valibot'
import { openDatabase } from '../compose.ts'
import { loadConfig } from '../config.ts'
import { appendJournal } from '../dashboard/journal/journal-store.ts'
import { createOrgStore } from '../dashboard/store/org-store.ts'
import { systemClock } from '../ids.ts'

const USAGE = `usage: npm run cli -- org <command>
  org add --name S     (prints the new organisation's id as its last line)
  org list`

const NameSchema = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(200, 'must be at most 200 characters'))

/** `org add|list`: organisations of the dashboard (SPEC §14), without SQL. */
export async function orgCommand(args: string[], stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  const [command, ...rest] = args
  const { values } = parseArgs({ args: rest, options: { name: { type: 'string' } } })
  if (command !== 'add' && command !== 'list') throw new Error(USAGE)
  const sql = await openDatabase(loadConfig())
  try {
    const orgs = createOrgStore(sql)
    if (command === 'list') {
      for (const o of await orgs.list()) stdout.write(`${o.id}\t${o.name}\tprojects=${o.projects}\tusers=${o.users}\n`)
      return
    }
    const name = v.safeParse(NameSchema, values.name ?? '')
    if (!name.success) throw new Error(`--name ${name.issues[0].message}\n${USAGE}`)
    const now = systemClock.now()
    const org = await sql.transaction(async (tx) => {
      const created = await createOrgStore(tx).add({ id: `org_${randomBytes(9).toString('base64url')}`, name: name.output, now })
      await appendJournal(tx, { at: now, orgId: created.id, actorId: null, actorEmail: 'cli', ip: null, userAgent: 'epay-cli', action: 'org_created', after: { name: created.name } })
      return created
    })
    stdout.write(`organisation "${org.name}" created\n${org.id}\n`)
  } finally {
    await sql.close()
  }
}
