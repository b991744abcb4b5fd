import type { Hono } from 'hono'
import type { ConnectionView } from '../../../protocol/schemas/dashboard/connection.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { ConnectionSummary } from '../../storage/connection-store.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'

/**
 * A project's connection to an upstream gateway (issue 14), as `project connect` makes it: the
 * same store, the same URL rule, the secret sealed with the card vault on arrival and never
 * shown, logged or journalled. Owners and admins connect; whoever sees the project sees where it
 * is connected.
 */
export function connectionRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  mount(app, deps, ENDPOINTS.connection, { auth: 'user', permission: 'projects.read' }, async ({ project }) =>
    view(await deps.connections.summary(project!.id)))

  mount(app, deps, ENDPOINTS.connect, { auth: 'user', permission: 'projects.connect' }, async ({ project, body, meta, entry }) => {
    const before = await deps.connections.summary(project!.id)
    await deps.connections.connect({
      projectId: project!.id, provider: body.provider, url: body.url, upstreamProjectId: body.upstream_project_id, methods: body.methods, secret: body.secret,
    }, meta.now)
    const after = await deps.connections.summary(project!.id)
    await journal(deps, entry({ action: 'project_connected', projectId: project!.id, before: view(before).connection, after: { ...view(after).connection, secret: 'sealed' } }))
    return view(after)
  })

  mount(app, deps, ENDPOINTS.disconnect, { auth: 'user', permission: 'projects.connect' }, async ({ project, entry }) => {
    const before = await deps.connections.summary(project!.id)
    if (await deps.connections.disconnect(project!.id)) {
      await journal(deps, entry({ action: 'project_disconnected', projectId: project!.id, before: view(before).connection }))
    }
    return view(undefined)
  })
}

function view(summary: ConnectionSummary | undefined): ConnectionView {
  return {
    connection: summary ? { provider: summary.provider, url: summary.url, upstream_project_id: summary.upstreamProjectId, methods: [...summary.methods] } : null,
  }
}
