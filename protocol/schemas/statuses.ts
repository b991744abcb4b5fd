import * as v from 'valibot'

/** Payment statuses, in ECommPay's words (SPEC §6). */
export const PAYMENT_STATUSES = [
  'new', 'processing', 'awaiting 3ds result', 'awaiting redirect result', 'awaiting capture',
  'success', 'decline', 'cancelled', 'partially refunded', 'refunded', 'expired', 'error',
] as const
export const PaymentStatusSchema = v.picklist(PAYMENT_STATUSES)
export type PaymentStatus = v.InferOutput<typeof PaymentStatusSchema>

/** Operation statuses (SPEC §6). */
export const OPERATION_STATUSES = [
  'processing', 'awaiting 3ds result', 'awaiting redirect result', 'success', 'decline', 'error',
] as const
export const OperationStatusSchema = v.picklist(OPERATION_STATUSES)
export type OperationStatus = v.InferOutput<typeof OperationStatusSchema>

/** Operation types (SPEC §6). */
export const OPERATION_TYPES = [
  'sale', 'auth', 'capture', 'cancel', 'refund', 'payout', 'recurring', 'account verification',
] as const
export const OperationTypeSchema = v.picklist(OPERATION_TYPES)
export type OperationType = v.InferOutput<typeof OperationTypeSchema>
