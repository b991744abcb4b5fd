import * as v from 'valibot'
import {
  BalanceRequestSchema, CardPaymentRequestSchema, CardPayoutRequestSchema, FollowUpRequestSchema, OperationsRequestSchema,
  PaymentRefRequestSchema, RecurringRequestSchema, TokenCreateRequestSchema, TokenDeleteRequestSchema, TokenListRequestSchema,
  WalletPayoutRequestSchema, WalletSaleRequestSchema,
} from '../../protocol/schemas/gate.ts'
import {
  BalanceResponseSchema, GateAcceptedSchema, GateCallbackSchema, GateErrorSchema, OperationsPageSchema, PaymentStatusResponseSchema, PaymentCallbacksResponseSchema,
  TokenCreatedSchema, TokenDeletedSchema, TokenListSchema,
} from '../../protocol/schemas/gate-views.ts'
import { toJsonSchema, type JsonSchema } from './openapi-schema.ts'

/** One documented Gate operation; the request and response schemas are the ones the server uses. */
export type GateOperation = {
  method: 'get' | 'post'
  path: string
  summary: string
  description: string
  request: { name: string; schema: v.GenericSchema } | undefined
  response: { name: string; schema: v.GenericSchema }
  /** Mutating: accepts `Idempotency-Key`. */
  idempotent: boolean
  tag: 'Payments' | 'Follow-ups' | 'Payouts' | 'Tokens' | 'Queries' | 'Meta'
}

const ASYNC = 'The answer only says the request was accepted; the result arrives by callback and by `/v2/payment/status`.'
const accepted = { name: 'Accepted', schema: GateAcceptedSchema }
const op = (o: Omit<GateOperation, 'method'> & { method?: 'get' | 'post' }): GateOperation => ({ method: 'post', ...o })

/** Every Gate route, as the OpenAPI document and the route test see it. */
export const GATE_OPERATIONS: readonly GateOperation[] = [
  op({ path: '/v2/payment/card/sale', tag: 'Payments', idempotent: true, summary: 'One-stage card payment',
    description: `Charges a card the merchant collected (or a saved card by \`account_token\`). A 3-D Secure card leaves the payment \`awaiting 3ds result\` and the callback and status carry \`redirect_data\` to send the shopper to. ${ASYNC}`,
    request: { name: 'CardPaymentRequest', schema: CardPaymentRequestSchema }, response: accepted }),
  op({ path: '/v2/payment/card/auth', tag: 'Payments', idempotent: true, summary: 'Two-stage card payment: authorise',
    description: `As \`sale\`, but only authorises: the payment waits in \`awaiting capture\` for capture or cancel. ${ASYNC}`,
    request: { name: 'CardPaymentRequest', schema: CardPaymentRequestSchema }, response: accepted }),
  op({ path: '/v2/payment/card/recurring', tag: 'Payments', idempotent: true, summary: 'Charge a saved card without the customer',
    description: `A merchant-initiated charge of a customer's saved card. A card that asks for 3-D Secure is declined (code 20303): there is no cardholder to pass it. ${ASYNC}`,
    request: { name: 'RecurringRequest', schema: RecurringRequestSchema }, response: accepted }),
  op({ path: '/v2/payment/wallet/{method}/sale', tag: 'Payments', idempotent: true, summary: 'Wallet payment (method: jeton)',
    description: `Starts a wallet payment; the callback and status carry \`redirect_data\` to the wallet's page. ${ASYNC}`,
    request: { name: 'WalletSaleRequest', schema: WalletSaleRequestSchema }, response: accepted }),
  op({ path: '/v2/payment/card/capture', tag: 'Follow-ups', idempotent: true, summary: 'Capture an authorisation',
    description: `Captures all or part of an \`awaiting capture\` payment (one capture; a partial one releases the rest). ${ASYNC}`,
    request: { name: 'FollowUpRequest', schema: FollowUpRequestSchema }, response: accepted }),
  op({ path: '/v2/payment/card/cancel', tag: 'Follow-ups', idempotent: true, summary: 'Cancel: void or refund',
    description: `Voids an authorisation not yet captured (\`cancelled\`), or refunds whatever a captured payment has not refunded yet (\`refunded\`). ${ASYNC}`,
    request: { name: 'PaymentRefRequest', schema: PaymentRefRequestSchema }, response: accepted }),
  op({ path: '/v2/payment/card/refund', tag: 'Follow-ups', idempotent: true, summary: 'Refund, fully or partly',
    description: `Refunds \`payment.amount\` (default: all that is left). Many partial refunds are allowed; their sum never exceeds the captured amount. ${ASYNC}`,
    request: { name: 'FollowUpRequest', schema: FollowUpRequestSchema }, response: accepted }),
  op({ path: '/v2/payment/refund', tag: 'Follow-ups', idempotent: true, summary: 'Refund any payment method',
    description: `The method-neutral refund: the same as \`/v2/payment/card/refund\`, also for wallet payments. ${ASYNC}`,
    request: { name: 'FollowUpRequest', schema: FollowUpRequestSchema }, response: accepted }),
  op({ path: '/v2/payment/wallet/{method}/payout', tag: 'Payouts', idempotent: true, summary: 'Payout to a wallet account (method: jeton)',
    description: `Pays out of the merchant balance. Above the balance, the payout is declined with code 3028 "Insufficient funds on merchant balance". Test amounts: 40000 and 40400 decline; 20400 and 40400 report the wallet account number. ${ASYNC}`,
    request: { name: 'WalletPayoutRequest', schema: WalletPayoutRequestSchema }, response: accepted }),
  op({ path: '/v2/payment/card/payout', tag: 'Payouts', idempotent: true, summary: 'Payout to a card',
    description: `Pays out of the merchant balance to a card or a saved card; declined with 3028 above the balance. ${ASYNC}`,
    request: { name: 'CardPayoutRequest', schema: CardPayoutRequestSchema }, response: accepted }),
  op({ path: '/v2/token/card/create', tag: 'Tokens', idempotent: true, summary: 'Save a card for a customer',
    description: 'Stores the card number sealed (AES-256-GCM) behind a token; the CVC is never stored, so none is taken.',
    request: { name: 'TokenCreateRequest', schema: TokenCreateRequestSchema }, response: { name: 'TokenCreated', schema: TokenCreatedSchema } }),
  op({ path: '/v2/token/card/list', tag: 'Tokens', idempotent: false, summary: "A customer's saved cards",
    description: 'Newest first, masked.', request: { name: 'TokenListRequest', schema: TokenListRequestSchema }, response: { name: 'TokenList', schema: TokenListSchema } }),
  op({ path: '/v2/token/card/delete', tag: 'Tokens', idempotent: true, summary: 'Delete a saved card',
    description: 'The token stops working at once.', request: { name: 'TokenDeleteRequest', schema: TokenDeleteRequestSchema }, response: { name: 'TokenDeleted', schema: TokenDeletedSchema } }),
  op({ path: '/v2/payment/status', tag: 'Queries', idempotent: false, summary: 'A payment and all its operations',
    description: 'The same shapes as the callbacks; `redirect_data` while the shopper is expected at 3-D Secure or a wallet.',
    request: { name: 'PaymentRefRequest', schema: PaymentRefRequestSchema }, response: { name: 'PaymentStatus', schema: PaymentStatusResponseSchema } }),
  op({ path: '/v2/payment/callbacks', tag: 'Queries', idempotent: false, summary: "Delivery state of a payment's callbacks",
    description: 'Each callback event with its attempts, last HTTP status or error, and the next attempt while pending (SPEC §8 schedule).',
    request: { name: 'PaymentRefRequest', schema: PaymentRefRequestSchema }, response: { name: 'PaymentCallbacks', schema: PaymentCallbacksResponseSchema } }),
  op({ path: '/v2/operations/get', tag: 'Queries', idempotent: false, summary: 'List operations',
    description: 'Newest first, filtered by date range, status, type, method, customer and payment id; pass `next_cursor` back as `cursor` for the next page.',
    request: { name: 'OperationsRequest', schema: OperationsRequestSchema }, response: { name: 'OperationsPage', schema: OperationsPageSchema } }),
  op({ path: '/v2/balance', tag: 'Queries', idempotent: false, summary: 'Merchant balance',
    description: 'What the ledger owes the merchant per currency, net of payouts in flight; what payouts draw on. `commission` is what the platform kept of the paid money at the project commission rate (0 unless the operator set one); payouts carry none.',
    request: { name: 'BalanceRequest', schema: BalanceRequestSchema }, response: { name: 'Balance', schema: BalanceResponseSchema } }),
  op({ method: 'get', path: '/v2/openapi.json', tag: 'Meta', idempotent: false, summary: 'This document',
    description: 'Unsigned.', request: undefined, response: { name: 'OpenApiDocument', schema: v.record(v.string(), v.unknown()) } }),
]

/**
 * The OpenAPI 3.1 document of the Gate API, generated from GATE_OPERATIONS and the protocol
 * schemas; served at `/v2/openapi.json`, and compared with the real routes by a test.
 */
export function openApiDocument(serverUrl: string): JsonSchema {
  const schemas: Record<string, JsonSchema> = { GateError: toJsonSchema(GateErrorSchema) }
  const ref = (named: { name: string; schema: v.GenericSchema }) => {
    schemas[named.name] ??= toJsonSchema(named.schema)
    return { $ref: `#/components/schemas/${named.name}` }
  }
  const paths: Record<string, Record<string, unknown>> = {}
  for (const o of GATE_OPERATIONS) {
    const error = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/GateError' } } } }
    ;(paths[o.path] ??= {})[o.method] = {
      operationId: `${o.method}${o.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      tags: [o.tag],
      summary: o.summary,
      description: o.description,
      parameters: [
        ...(o.path.includes('{method}') ? [{ name: 'method', in: 'path', required: true, schema: { enum: ['jeton'] } }] : []),
        ...(o.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 },
          description: 'Same key and same request: the first answer again (`Idempotent-Replayed: true`). Same key, other request: 409 `idempotency_key_reused`. Still running: 409 `conflict`. Kept 24 hours.' }] : []),
      ],
      ...(o.request ? { requestBody: { required: true, content: { 'application/json': { schema: ref(o.request) } } } } : {}),
      responses: { '200': { description: o.response.name, content: { 'application/json': { schema: ref(o.response) } } }, '4XX': error, '5XX': error },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'EPay Gate API',
      version: '2',
      description: 'Server-to-server API in the ECommPay Gate shapes. Every POST is JSON signed in `general.signature`: HMAC-SHA512 of the flattened, naturally sorted parameters with the project secret, Base64 (see docs/api.md). Amounts are integers in minor units.',
    },
    servers: [{ url: serverUrl }],
    paths,
    webhooks: {
      callback: {
        post: {
          summary: 'Operation result',
          description: 'Sent to the callback URL on every final operation result (and with `redirect_data` when the shopper must act), signed at top level `signature` and in `X-EPay-Signature`.',
          requestBody: { content: { 'application/json': { schema: ref({ name: 'Callback', schema: GateCallbackSchema }) } } },
          responses: { '200': { description: 'Any 2xx ends the delivery; anything else is retried.' } },
        },
      },
    },
    components: { schemas },
  }
}
