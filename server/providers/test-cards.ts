/** What the simulated acquirer does with a card number (SPEC §7). */
export type TestCardOutcome =
  | { kind: 'approve' }
  | { kind: 'challenge' }
  | { kind: 'decline'; code: string; message: string }
  | { kind: 'timeout' }

/** The published test cards; any other Luhn-valid number is approved frictionlessly. */
export const TEST_CARDS: Readonly<Record<string, TestCardOutcome>> = {
  '4242424242424242': { kind: 'approve' },
  '5555555555554444': { kind: 'approve' },
  '2200000000000004': { kind: 'approve' },
  '4000000000003220': { kind: 'challenge' },
  '4000000000000002': { kind: 'decline', code: '20102', message: 'Card declined' },
  '4000000000009995': { kind: 'decline', code: '20105', message: 'Insufficient funds' },
  '4000000000000119': { kind: 'timeout' },
}

/** Tells what the simulator does with `pan`. */
export function testCardOutcome(pan: string): TestCardOutcome {
  return TEST_CARDS[pan] ?? { kind: 'approve' }
}
