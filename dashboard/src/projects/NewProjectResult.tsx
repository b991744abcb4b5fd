import type { ProjectSecret } from '../../../protocol/schemas/dashboard/projects.ts'
import { t } from '../i18n/i18n.ts'
import { CopyButton } from '../ui/CopyButton.tsx'
import { Alert } from '../ui/states.tsx'

const TEST_CARDS = [
  ['4242 4242 4242 4242', 'card_success'],
  ['4000 0000 0000 0002', 'card_decline'],
  ['4000 0000 0000 3220', 'card_3ds'],
] as const

/** What a new project needs once: its secret, the integration snippets and the test cards. */
export function NewProjectResult({ created, onDone }: { created: ProjectSecret; onDone: () => void }) {
  const origin = location.origin
  const { project, secret } = created
  const sdk = `// npm i ecommpay
const { Payment } = require('ecommpay')
const payment = new Payment('${project.id}', process.env.EPAY_SECRET, {}, '${origin}')
payment.paymentId = 'order-42'
payment.paymentAmount = 1000 // minor units
payment.paymentCurrency = 'EUR'
const url = payment.getUrl()`
  const widget = `<script src="${origin}/widget/v1/merchant.js"></script>
<script>
  // params signed on your server with the project secret
  EPayWidget.run({ ...signedParams, onPaymentSuccess: (d) => console.log(d) })
</script>`
  return (
    <section class="page">
      <h1>{t('created_title', { id: project.id })}</h1>
      <Alert kind="warning">{t('secret_once')}</Alert>
      <div class="secret-box">
        <span class="secret-label">{t('secret_label')}</span>
        <code class="secret" data-testid="project-secret">{secret}</code>
        <CopyButton text={secret} />
      </div>
      <h2>{t('integration_title')}</h2>
      <h3>{t('snippet_sdk')}</h3>
      <pre class="code"><code>{sdk}</code></pre>
      <CopyButton text={sdk} />
      <h3>{t('snippet_widget')}</h3>
      <pre class="code"><code>{widget}</code></pre>
      <CopyButton text={widget} />
      <h2>{t('test_cards_title')}</h2>
      <p class="hint">{t('test_cards_hint')}</p>
      <ul class="cards-list">
        {TEST_CARDS.map(([pan, key]) => <li key={pan}><code>{pan}</code> — {t(key)}</li>)}
      </ul>
      <div class="actions">
        <a class="btn btn-primary" href={`/dashboard/projects/${project.id}`}>{t('open_project')}</a>
        <button type="button" class="btn" onClick={onDone}>{t('back_to_projects')}</button>
      </div>
    </section>
  )
}
