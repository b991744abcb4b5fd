import type { Hono } from 'hono'
import type { AppEnv } from '../../http/deps.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'

/** Exports of the filtered payments list (CSV, XLSX). */
export function exportRoutes(_router: Hono<AppEnv>, _deps: DashboardDeps): void {}
