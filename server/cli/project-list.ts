import type { Project } from '../domain/ports.ts'
import { describeProviders, type LiveConnections } from '../providers/provider-registry.ts'

/**
 * The lines of `project list`: id, name, test or live, and what serves its payments — so an
 * operator sees at once that a live project without a connection refuses every payment.
 */
export async function projectListLines(projects: readonly Project[], live: Pick<LiveConnections, 'methods' | 'describe'>): Promise<string[]> {
  return Promise.all(
    projects.map(async (p) =>
      [p.id, p.name, p.testMode ? 'test' : 'live', `providers=${await describeProviders(p, live)}`, `origins=${p.allowedOrigins.join(',')}`, `callback=${p.callbackUrl ?? '-'}`].join('\t'),
    ),
  )
}
