/**
 * Decline codes EPay itself gives to operations (the provider's own codes pass through).
 * Hint: `3028` is the code ECommPay merchants already handle for a payout above the balance.
 */
export const DECLINES = {
  insufficientBalance: { code: '3028', message: 'Insufficient funds on merchant balance' },
  notProcessed: { code: '30000', message: 'Not processed by the provider' },
  authenticationRequired: { code: '20303', message: 'Cardholder authentication required; the cardholder is not present' },
} as const satisfies Record<string, { code: string; message: string }>
