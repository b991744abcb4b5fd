import { KNOWN_METHODS } from '../providers/provider-registry.ts'
import { upstreamUrlProblem } from '../../protocol/schemas/dashboard/connection.ts'
import { CONNECTION_PROVIDERS, type ConnectionProvider, type ProviderConnection } from '../storage/connection-store.ts'

/**
 * Checks `project connect`'s options before the database is opened, so a typo costs nothing.
 * Hint: the upstream is reached over https; plain http only to this machine's loopback (a
 * second EPay beside this one, tests), where nothing crosses a network.
 */
export function parseConnectOptions(values: { id: number | undefined; provider?: string; url?: string; 'upstream-project-id'?: string; methods?: string }, secret: string | undefined): ProviderConnection {
  if (values.id === undefined) throw new Error('project connect: --id is required')
  const provider = values.provider
  if (!provider || !(CONNECTION_PROVIDERS as readonly string[]).includes(provider)) {
    throw new Error(`project connect: --provider must be one of ${CONNECTION_PROVIDERS.join(', ')}`)
  }
  const url = upstreamUrl(values.url)
  const upstreamProjectId = Number(values['upstream-project-id'])
  if (!Number.isSafeInteger(upstreamProjectId) || upstreamProjectId <= 0) throw new Error('project connect: --upstream-project-id must be a positive integer')
  const methods = [...new Set((values.methods ?? KNOWN_METHODS.join(',')).split(',').map((m) => m.trim()).filter((m) => m !== ''))]
  const unknown = methods.filter((m) => !(KNOWN_METHODS as readonly string[]).includes(m))
  if (methods.length === 0 || unknown.length > 0) throw new Error(`project connect: --methods takes ${KNOWN_METHODS.join(', ')}${unknown.length ? ` (not ${unknown.join(', ')})` : ''}`)
  if (!secret) throw new Error('project connect: the upstream secret is read with --secret-stdin')
  return { projectId: values.id, provider: provider as ConnectionProvider, url, upstreamProjectId, methods, secret }
}

function upstreamUrl(text: string | undefined): string {
  const problem = upstreamUrlProblem(text ?? '')
  if (problem) throw new Error(`project connect: --url ${problem}`)
  return new URL(text!).toString().replace(/\/+$/, '')
}
