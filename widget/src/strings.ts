/**
 * The widget's own words — the loading status, the close button's name, the frame's and the
 * dialog's name — in the payment's language (`language_code`, else the browser's): Russian or
 * English. Hint: the page says everything else in its 12 languages; the widget is held to
 * 3 KB gzip (SPEC §11), and a Russian word costs six bytes a letter as the `\u` escapes that
 * keep merchant.js pure ASCII, so the table stops at the page's two main languages.
 */
export function widgetStrings(language: unknown): [loading: string, close: string, title: string] {
  return (/^ru/i.test(String(language || navigator.language)) ? '\u0417\u0430\u0433\u0440\u0443\u0437\u043a\u0430...|\u0417\u0430\u043a\u0440\u044b\u0442\u044c|\u041e\u043f\u043b\u0430\u0442\u0430' : 'Loading...|Close|Payment').split('|') as [string, string, string]
}
