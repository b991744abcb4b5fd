import { describe, expectTypeOf, it } from 'vitest'
import type { PageMessage } from '../../protocol/messages.ts'
import * as widget from '../../widget/src/index.ts'
import type { EPayWidgetApi, PaymentEventData, RedirectData, ResizeData, WidgetCallbacks } from '../../widget/src/index.ts'

type DataOf<N extends PageMessage['message']> = Extract<PageMessage, { message: N }>['data']

// The public types are written by hand (ES-module users get them without valibot); these
// checks run in `tsc --noEmit` and keep them equal to the protocol's.
describe('widget types', () => {
  it('match the payloads of protocol/messages.ts', () => {
    expectTypeOf<ResizeData>().toEqualTypeOf<DataOf<'epframe.resize'>>()
    expectTypeOf<PaymentEventData>().toEqualTypeOf<DataOf<'epframe.payment.success'>>()
    expectTypeOf<PaymentEventData>().toEqualTypeOf<DataOf<'epframe.payment.sent'>>()
    expectTypeOf<PaymentEventData>().toEqualTypeOf<DataOf<'epframe.payment.fail'>>()
    expectTypeOf<RedirectData>().toEqualTypeOf<DataOf<'epframe.redirect'>>()
    expectTypeOf<Parameters<NonNullable<WidgetCallbacks['onPaymentSuccess']>>[0]>().toEqualTypeOf<PaymentEventData>()
  })

  it('describe the module as the EPayWidget global', () => {
    expectTypeOf(widget).toExtend<EPayWidgetApi>()
    expectTypeOf(widget.run).toEqualTypeOf<EPayWidgetApi['run']>()
    expectTypeOf(widget.bind).toEqualTypeOf<EPayWidgetApi['bind']>()
    expectTypeOf(widget.create).toEqualTypeOf<EPayWidgetApi['create']>()
  })
})
