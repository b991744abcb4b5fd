import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { en } from '../../dashboard/src/i18n/en.ts'
import { ru } from '../../dashboard/src/i18n/ru.ts'
import { ROLES } from '../../protocol/schemas/dashboard/common.ts'
import { GRANULARITIES, HOME_MODES } from '../../protocol/schemas/dashboard/home.ts'
import { JOURNAL_ACTIONS } from '../../protocol/schemas/dashboard/journal.ts'
import { PAYMENT_COLUMNS, THREE_DS_OUTCOMES } from '../../protocol/schemas/dashboard/payments.ts'
import { LIMIT_OPERATIONS } from '../../protocol/schemas/dashboard/projects.ts'
import { MEMBER_STATUSES } from '../../protocol/schemas/dashboard/team.ts'
import { PAGE_METHODS } from '../../protocol/schemas/page-api.ts'
import { OPERATION_STATUSES, OPERATION_TYPES, PAYMENT_STATUSES } from '../../protocol/schemas/statuses.ts'

// SPEC §14: the dashboard in ru and en, every string in the catalogues. The type checker sees
// missing keys in ru.ts and literal t('key') calls, but not keys built at run time
// (`role_${role}`, statusKey(status)) nor text typed straight into the markup: those are here.

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
const key = (s: string) => s.replace(/ /g, '_')

// Words that are the same in Russian: brand and product names, a dash, an abbreviation.
const SAME_IN_BOTH = ['none', 'home_method_jeton', 'method_jeton', 'email', 'col_2fa', 'three_ds']

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : sources(path)
    return /\.tsx?$/.test(name) ? [path] : []
  })
}
const ROOT = join(process.cwd(), 'dashboard/src')
const FILES = sources(ROOT).map((path) => ({ path: path.slice(ROOT.length + 1), text: readFileSync(path, 'utf8') }))

describe('dashboard catalogues', () => {
  it('ru has exactly the English keys and placeholders, none empty, each translated', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort())
    for (const k of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(ru[k]), `ru.${k}`).toEqual(placeholders(en[k]))
      expect(en[k].trim(), `en.${k}`).not.toBe('')
      expect(ru[k].trim(), `ru.${k}`).not.toBe('')
      if (!SAME_IN_BOTH.includes(k)) expect(ru[k], `ru.${k} is still English`).not.toBe(en[k])
    }
  })

  it('words a count so that one reads right: the number after its label, as in Russian', () => {
    // The catalogues have no plural forms: "{n} payments" shows "1 payments" on a first day.
    // password_hint's {n} is the minimum length, never 1.
    const counted = (Object.keys(en) as Array<keyof typeof en>).filter((k) => /\{(n|count)\}/.test(en[k]) && k !== 'password_hint')
    expect(counted).toEqual(expect.arrayContaining(['home_payments_n', 'verify_ok', 'invoice_paid_times', 'recon_found']))
    for (const k of counted) expect(en[k], `en.${k}`).not.toMatch(/\{(n|count)\} (\w+ )?\w+(s|\(es\))\b/)
  })

  it('has a key for every value the screens turn into a key at run time', () => {
    const families: Array<[string, readonly string[]]> = [
      ['action_', JOURNAL_ACTIONS],
      ['role_', ROLES],
      ['role_hint_', ROLES],
      ['status_', MEMBER_STATUSES],
      ['status_', PAYMENT_STATUSES],
      // The timeline shows an operation's status with the payment words, success as its own.
      ['status_', OPERATION_STATUSES.filter((s) => s !== 'success')],
      ['op_', OPERATION_TYPES],
      ['op_', LIMIT_OPERATIONS],
      ['cb_', ['pending', 'delivered', 'failed']],
      ['three_ds_', THREE_DS_OUTCOMES],
      ['pcol_', PAYMENT_COLUMNS],
      ['home_by_', GRANULARITIES],
      ['home_method_', PAGE_METHODS],
      ['home_mode_', HOME_MODES],
      ['strength_', ['0', '1', '2', '3', '4']],
    ]
    const missing = families.flatMap(([prefix, values]) => values.map((value) => `${prefix}${key(value)}`)).filter((k) => !(k in en))
    expect(missing).toEqual([])
  })

  it('knows every key the screens name literally', () => {
    const used = new Set(FILES.flatMap((f) => [...f.text.matchAll(/\bt\(\s*'([a-z0-9_]+)'/g)].map((m) => m[1]!)))
    expect(used.size).toBeGreaterThan(100)
    expect([...used].filter((k) => !(k in en))).toEqual([])
  })

  it('has no words typed straight into the markup or into labels', () => {
    // Not translated on purpose: the brand, each language’s own name, a wallet’s name, the protocol’s
    // parameter name, an example URL.
    const allowed = /^(EPay|English|Русский|Jeton|project_id|https:\/\/shop\.example\/epay\/callback)$/
    const READ_ALOUD = new Set(['aria-label', 'aria-description', 'placeholder', 'title', 'alt', 'label'])
    const found: string[] = []
    for (const { path, text } of FILES.filter((f) => f.path.endsWith('.tsx'))) {
      const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX)
      const visit = (node: ts.Node): void => {
        if (ts.isJsxText(node)) {
          const words = node.text.trim()
          if (/\p{L}{2}/u.test(words) && !allowed.test(words)) found.push(`${path}: ${words}`)
        } else if (ts.isJsxAttribute(node) && node.initializer && ts.isStringLiteral(node.initializer)) {
          const name = node.name.getText(file)
          const value = node.initializer.text
          if (READ_ALOUD.has(name) && /\p{L}{2}/u.test(value) && !allowed.test(value)) found.push(`${path}: ${name}="${value}"`)
        }
        ts.forEachChild(node, visit)
      }
      visit(file)
    }
    expect(found).toEqual([])
  })
})
