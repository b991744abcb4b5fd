import type { ErrorCode } from '../../protocol/errors.ts'
import { escapeHtml } from './csp.ts'

type Lang = 'en' | 'ru'

const TITLES: Record<Lang, { title: string; code: string; hint: string }> = {
  en: { title: 'This payment cannot be opened', code: 'Error code', hint: 'Please return to the shop and try again, or contact the merchant.' },
  ru: { title: 'Не удалось открыть платёж', code: 'Код ошибки', hint: 'Вернитесь в магазин и попробуйте ещё раз или свяжитесь с продавцом.' },
}

const MESSAGES: Partial<Record<ErrorCode, Record<Lang, string>>> = {
  validation_failed: { en: 'The payment request is incomplete or malformed.', ru: 'Запрос на оплату неполный или некорректный.' },
  duplicate_parameter: { en: 'A payment parameter was given more than once.', ru: 'Параметр платежа передан несколько раз.' },
  forbidden_character: { en: 'A payment parameter contains a forbidden character.', ru: 'Параметр платежа содержит недопустимый символ.' },
  invalid_signature: { en: 'The payment request signature is not valid.', ru: 'Подпись запроса на оплату недействительна.' },
  unknown_project: { en: 'The merchant is not known.', ru: 'Продавец не найден.' },
  invalid_amount: { en: 'The payment amount is not valid.', ru: 'Сумма платежа некорректна.' },
  invalid_currency: { en: 'The payment currency is not supported.', ru: 'Валюта платежа не поддерживается.' },
  payment_mismatch: { en: 'This payment already exists with different details.', ru: 'Платёж с этим номером уже существует с другими данными.' },
  payment_expired: { en: 'The payment link has expired.', ru: 'Срок действия ссылки на оплату истёк.' },
  return_url_not_allowed: { en: 'The return address is not allowed for this merchant.', ru: 'Адрес возврата не разрешён для этого продавца.' },
  provider_not_connected: { en: 'This merchant cannot take payments yet: no payment provider is connected.', ru: 'Этот продавец пока не может принимать платежи: платёжный провайдер не подключён.' },
  method_unavailable: { en: 'This payment method is not available.', ru: 'Этот способ оплаты недоступен.' },
  payload_too_large: { en: 'The payment request is too large.', ru: 'Запрос на оплату слишком большой.' },
}

/** Chooses the error page language: the signed-or-not `language_code`, then Accept-Language. */
export function errorPageLanguage(languageCode: string | undefined, acceptLanguage: string | undefined): Lang {
  const wanted = (languageCode ?? acceptLanguage ?? 'en').toLowerCase()
  return wanted.startsWith('ru') ? 'ru' : 'en'
}

/**
 * A self-contained, localised error page: no script at all, the stable code shown so a
 * shopper can quote it, and nothing of the request echoed back.
 */
export function renderErrorPage(code: ErrorCode, lang: Lang, requestId: string): string {
  const t = TITLES[lang]
  const message = MESSAGES[code]?.[lang] ?? TITLES[lang].title
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem 1rem;color:#1a1a1a;background:#f6f7f9}
main{max-width:28rem;margin:0 auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.25rem;margin:0 0 .75rem}code{background:#eef0f3;padding:.1rem .35rem;border-radius:4px}
.muted{color:#555;font-size:.875rem}</style></head>
<body><main data-state="error" data-error-code="${escapeHtml(code)}" role="alert">
<h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(message)}</p>
<p>${escapeHtml(t.code)}: <code>${escapeHtml(code)}</code></p>
<p class="muted">${escapeHtml(t.hint)}</p><p class="muted">${escapeHtml(requestId)}</p></main></body></html>`
}
