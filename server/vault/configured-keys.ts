import { randomBytes } from 'node:crypto'
import type { Config } from '../config.ts'
import { getOrCreateSetting } from '../storage/settings-store.ts'
import type { Sql } from '../storage/sql.ts'
import { createCardVault, parseVaultKeys, type CardVault } from './card-vault.ts'

/**
 * The card vault's keys: `EPAY_CARD_KEYS`, or a key generated into the database as a demo
 * convenience. Hint: production sets EPAY_CARD_KEYS so that a copy of the database alone does
 * not open the sealed card numbers and upstream secrets; the server and the CLI read the same.
 */
export async function configuredCardKeys(config: Pick<Config, 'cardKeys'>, sql: Sql): Promise<string> {
  return config.cardKeys ?? `c1:${await getOrCreateSetting(sql, 'card_key_c1', () => randomBytes(32).toString('base64url'))}`
}

export async function configuredCardVault(config: Pick<Config, 'cardKeys'>, sql: Sql): Promise<CardVault> {
  return createCardVault(parseVaultKeys(await configuredCardKeys(config, sql)))
}
