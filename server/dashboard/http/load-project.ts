import type { DashboardDeps } from '../dashboard-deps.ts'
import type { DashboardProject } from '../store/project-settings-store.ts'

export type { DashboardProject }

/** Loads the project a path names (scope is checked by the caller). */
export function loadProject(deps: DashboardDeps, id: number): Promise<DashboardProject | undefined> {
  return deps.projectSettings.get(id)
}
