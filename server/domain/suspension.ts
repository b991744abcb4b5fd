import { PaymentError } from './errors.ts'
import type { Project } from './ports.ts'

/**
 * Refuses a new payment of a project whose organisation the platform suspended (issue 13
 * item 7). Follow-ups of payments already made (status, refund, capture, cancel) still run, so
 * a suspension never strands a customer's money.
 */
export function assertNotSuspended(project: Pick<Project, 'id' | 'suspended'>): void {
  if (project.suspended) throw new PaymentError('merchant_suspended', `project ${project.id} belongs to a suspended organisation: new payments are refused`)
}
