import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import * as v from 'valibot'
import { EmailSchema, OrgIdSchema, RoleSchema, type Role } from '../../protocol/schemas/dashboard/common.ts'
import { openDatabase } from '../compose.ts'
import { loadConfig } from '../config.ts'
import type { DashboardUser } from '../dashboard/access/dashboard-user.ts'
import { hashPassword } from '../dashboard/auth/password-hash.ts'
import { assertAcceptablePassword } from '../dashboard/auth/password-policy.ts'
import { appendJournal } from '../dashboard/journal/journal-store.ts'
import { createOrgStore } from '../dashboard/store/org-store.ts'
import { createSessionStore } from '../dashboard/store/session-store.ts'
import { createUserStore } from '../dashboard/store/user-store.ts'
import { systemClock } from '../ids.ts'
import type { Sql } from '../storage/sql.ts'

const USAGE = `usage: npm run cli -- user <command>
  user add --email E --role owner|admin|manager|viewer|developer|platform [--org ID] [--project N]... --password-stdin
  user list [--org ID]
  user disable --email E`

const cliActor = { actorId: null, actorEmail: 'cli', ip: null, userAgent: 'epay-cli' } as const

/** `user add|list|disable`: dashboard users without SQL; the password comes from stdin, never argv. */
export async function userCommand(args: string[], io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream } = process): Promise<void> {
  const [command, ...rest] = args
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, role: { type: 'string' }, org: { type: 'string' }, project: { type: 'string', multiple: true }, 'password-stdin': { type: 'boolean' } },
  })
  if (command !== 'add' && command !== 'list' && command !== 'disable') throw new Error(USAGE)
  const field = <S extends v.GenericSchema>(schema: S, value: unknown, name: string): v.InferOutput<S> => {
    const result = v.safeParse(schema, value)
    if (!result.success) throw new Error(`${name} ${result.issues[0]!.message}\n${USAGE}`)
    return result.output
  }
  const sql = await openDatabase(loadConfig())
  try {
    const users = createUserStore(sql)
    const now = systemClock.now()
    if (command === 'list') {
      const org = values.org === undefined ? null : field(OrgIdSchema, values.org, '--org')
      for (const u of await users.list(org)) {
        io.stdout.write(`${u.id}\t${u.email}\t${u.role}\t${u.orgId ?? '-'}\tprojects=${u.projectIds?.join(',') ?? 'all'}\t${u.disabledAt ? 'disabled' : u.passwordHash ? 'active' : 'invited'}\ttotp=${u.totpEnabled ? 'on' : 'off'}\n`)
      }
      return
    }
    const email = field(EmailSchema, values.email, '--email')
    if (command === 'disable') {
      const user = await users.byEmail(email)
      if (!user) throw new Error(`no user ${email}`)
      if (user.role === 'owner' && !user.disabledAt && (await users.activeOwners(user.orgId!)) <= 1) throw new Error(`${email} is the last owner of ${user.orgId}; make another owner first`)
      await sql.transaction(async (tx) => {
        await createUserStore(tx).setDisabled(user.id, now, now)
        await createSessionStore(tx).revokeAll(user.id, now)
        await appendJournal(tx, { at: now, orgId: user.orgId, ...cliActor, action: 'user_disabled', target: user.email })
      })
      io.stdout.write(`user ${email} disabled; their sessions ended\n`)
      return
    }
    const role = field(RoleSchema, values.role, '--role')
    const orgId = role === 'platform' ? null : field(OrgIdSchema, values.org, '--org')
    if (role === 'platform' && values.org !== undefined) throw new Error('platform operators belong to no organisation: leave out --org')
    if (orgId && !(await createOrgStore(sql).get(orgId))) throw new Error(`no organisation ${orgId} (see: npm run cli -- org list)`)
    const projects = values.project?.map((p) => {
      const n = Number(p)
      if (!/^\d+$/.test(p) || !Number.isSafeInteger(n) || n <= 0) throw new Error('--project must be a positive integer')
      return n
    }) ?? null
    if (projects && (role === 'owner' || role === 'platform')) throw new Error(`an ${role} cannot be narrowed to projects`)
    if (projects) {
      const own = await sql.query<{ id: unknown }>('SELECT id FROM projects WHERE org_id = $1 AND id = ANY($2::bigint[])', [orgId, projects])
      if (own.length !== new Set(projects).size) throw new Error(`every --project must belong to ${orgId}`)
    }
    if (!values['password-stdin']) throw new Error(`--password-stdin is required (the password is read from stdin, never from the command line)\n${USAGE}`)
    const password = (await readAll(io.stdin)).replace(/\r?\n$/, '')
    const user = await addUser(sql, { email, role, orgId, projects, password, now })
    io.stdout.write(`user ${user.email} (${user.role}) created\n${user.id}\n`)
  } finally {
    await sql.close()
  }
}

/**
 * `user add` after its argument checks: the password policy, the hash, and the user journalled
 * as the CLI's act in one transaction. For callers that already hold the database open too.
 */
export async function addUser(sql: Sql, u: { email: string; role: Role; orgId: string | null; projects: number[] | null; password: string; now: Date }): Promise<DashboardUser> {
  assertAcceptablePassword(u.password, { email: u.email })
  const hash = await hashPassword(u.password)
  return sql.transaction(async (tx) => {
    const created = await createUserStore(tx).add({ id: `usr_${randomBytes(12).toString('base64url')}`, orgId: u.orgId, email: u.email, role: u.role, projectIds: u.projects, passwordHash: hash, now: u.now })
    await appendJournal(tx, { at: u.now, orgId: u.orgId, ...cliActor, action: 'user_created', target: u.email, after: { role: u.role, projects: u.projects } })
    return created
  })
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  return text
}
