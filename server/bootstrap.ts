import type { Logger } from './logger.ts'
import type { ProjectAdmin } from './storage/project-store.ts'

/** The test project created on first start, like ECommPay's public demo project. */
export const DEMO_PROJECT_ID = 112

/**
 * Creates project 112 on a fresh database and prints its secret once, so `npm start` gives a
 * working demo with no setup. An existing project 112 is left exactly as it is.
 */
export async function ensureDemoProject(projects: ProjectAdmin, publicUrl: string, logger: Logger, orgId?: string): Promise<void> {
  if (await projects.get(DEMO_PROJECT_ID)) return
  const url = new URL(publicUrl)
  const origins = new Set([url.origin, `http://localhost:${url.port || 80}`, `http://127.0.0.1:${url.port || 80}`])
  const hosts = new Set([...origins].map((o) => new URL(o).host))
  try {
    const project = await projects.add({
      id: DEMO_PROJECT_ID,
      name: 'EPay Demo Shop',
      callbackUrl: `${publicUrl}/demo/callbacks`,
      allowedOrigins: [...origins],
      returnHosts: [...hosts],
      testMode: true,
      ...(orgId ? { orgId } : {}),
    })
    // Printed to the terminal on purpose, once: the operator needs it to sign test payments.
    process.stdout.write(`\nCreated test project ${DEMO_PROJECT_ID}. Its secret: ${project.secrets[0]}\n`)
  } catch (error) {
    // Another process starting on the same database created it first.
    if (!(await projects.get(DEMO_PROJECT_ID))) throw error
    logger.debug('demo project created by another process')
  }
}
