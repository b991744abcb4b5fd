/**
 * Codes EPay itself gives to operations, in ECommPay's numbering (the provider's own codes pass
 * through). Hint: `3028` is the code ECommPay merchants already handle for a payout above the
 * balance; `20106` is ECommPay's wallet decline in its Jeton documentation.
 */
export const DECLINES = {
  insufficientBalance: { code: '3028', message: 'Insufficient funds on merchant balance' },
  notProcessed: { code: '30000', message: 'Not processed by the provider' },
  authenticationRequired: { code: '20303', message: 'Cardholder authentication required; the cardholder is not present' },
  walletAccountUnavailable: { code: '20106', message: 'Customer account is no longer available' },
  awaitingProcessing: { code: '9999', message: 'Awaiting processing' },
} as const satisfies Record<string, { code: string; message: string }>

/** The `errors[].description` ECommPay adds to some codes (its Jeton documentation's 3028 example). */
const DESCRIPTIONS: Record<string, string> = { [DECLINES.insufficientBalance.code]: 'public: BALANCE_INSUFFICIENT_FUNDS' }

/** The description ECommPay gives a decline code in `errors[]`, if it gives one. */
export function errorDescription(code: string | undefined): string | undefined {
  return code === undefined ? undefined : DESCRIPTIONS[code]
}
