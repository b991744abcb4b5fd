import { render, screen } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { NewProjectResult } from '../../dashboard/src/projects/NewProjectResult.tsx'
import { setLanguage } from '../../dashboard/src/i18n/i18n.ts'
import { testCardOutcome } from '../../server/providers/test-cards.ts'

const SECRET = 'Zq3pX0bT7cVwKd1nR5yLmA8sHf2uGj6e'

// SPEC §14, projects: a new project shows its secret once, an integration snippet for the SDKs
// and the widget, and test cards, each doing what the screen says it does on the simulator.
describe('new project result', () => {
  it('shows the secret, snippets naming this project and server, and test cards the simulator honours', () => {
    setLanguage('en')
    render(<NewProjectResult onDone={() => undefined} created={{
      secret: SECRET,
      project: { id: 4321, org_id: 'org_abc', name: 'Pop-up', test_mode: true, callback_url: null, allowed_origins: [], return_hosts: [], methods: ['card'], theme: null, previous_secret_valid_until: null, limits: [], created_at: '2030-01-01T00:00:00.000Z' },
    }} />)
    expect(screen.getByTestId('project-secret').textContent).toBe(SECRET)
    const snippets = [...document.querySelectorAll('pre.code code')].map((c) => c.textContent ?? '')
    expect(snippets).toHaveLength(2)
    // The SDK snippet: this project's id and this server's address, the secret from the environment, never inline.
    expect(snippets[0]).toContain(`new Payment('4321', process.env.EPAY_SECRET, {}, '${location.origin}')`)
    expect(snippets.join('\n')).not.toContain(SECRET)
    expect(snippets[1]).toContain(`<script src="${location.origin}/widget/v1/merchant.js"></script>`)
    expect(snippets[1]).toContain('EPayWidget.run(')

    const cards = [...document.querySelectorAll('.cards-list li')].map((li) => ({ pan: li.querySelector('code')!.textContent!.replace(/ /g, ''), text: li.textContent! }))
    const kind = (pan: string) => testCardOutcome(pan).kind
    expect(cards.map((c) => [kind(c.pan), c.text.split('— ')[1]])).toEqual([['approve', 'success'], ['decline', 'declined'], ['challenge', '3-D Secure challenge']])
  })
})
