/**
 * The ids the simulators record on the operations they run: ECommPay's integer provider ids
 * (1001 for a card acquirer, 1079 for Jeton, as in ECommPay's documentation), so callbacks
 * report them as numbers without the domain knowing which provider is which.
 */
export const SIMULATED_CARD_PROVIDER_ID = '1001'
export const SIMULATED_JETON_PROVIDER_ID = '1079'
