import { signal } from '@preact/signals'
import type { ProjectSecret } from '../../../protocol/schemas/dashboard/projects.ts'

/** The first project made by verifying a registration: its secret is shown once, on the welcome screen. */
export const welcome = signal<ProjectSecret | undefined>(undefined)
