/**
 * The words of the simulated ACS and wallet pages, in the hosted page's twelve languages
 * (`en` and `ru` complete and reviewed, the others machine quality like the page's own).
 * Hint: these pages stand in for an issuer's and a wallet's; they speak the shopper's language
 * as a real ACS does from the authentication request.
 */
const en = {
  acs_title: '3-D Secure check',
  acs_test: 'Test issuer page: no bank is involved and no money moves.',
  acs_prompt: 'Confirm this payment as the cardholder would, or make the check fail.',
  merchant: 'Merchant',
  amount: 'Amount',
  card: 'Card',
  card_ending: 'ending {last4}',
  confirm: 'Confirm',
  fail: 'Fail authentication',
  cancel: 'Cancel',
  returning: 'Returning to the payment…',
  continue: 'Continue',
  wallet_title: 'Jeton Wallet',
  wallet_test: 'Test wallet: no account is charged.',
  wallet_prompt: 'Approve this payment?',
  success: 'Success',
  decline: 'Decline',
}

export type SimText = typeof en

const ru: SimText = {
  acs_title: 'Проверка 3-D Secure',
  acs_test: 'Тестовая страница банка-эмитента: банк не участвует, деньги не списываются.',
  acs_prompt: 'Подтвердите платёж, как это сделал бы держатель карты, или отклоните проверку.',
  merchant: 'Магазин',
  amount: 'Сумма',
  card: 'Карта',
  card_ending: 'заканчивается на {last4}',
  confirm: 'Подтвердить',
  fail: 'Не пройти проверку',
  cancel: 'Отменить',
  returning: 'Возвращаемся к платежу…',
  continue: 'Продолжить',
  wallet_title: 'Jeton Wallet',
  wallet_test: 'Тестовый кошелёк: со счёта ничего не списывается.',
  wallet_prompt: 'Подтвердить этот платёж?',
  success: 'Оплатить',
  decline: 'Отклонить',
}

const de: SimText = {
  acs_title: '3-D-Secure-Prüfung',
  acs_test: 'Test-Seite des Kartenausgebers: keine Bank beteiligt, kein Geld wird bewegt.',
  acs_prompt: 'Bestätigen Sie diese Zahlung wie der Karteninhaber oder lassen Sie die Prüfung scheitern.',
  merchant: 'Händler',
  amount: 'Betrag',
  card: 'Karte',
  card_ending: 'endet auf {last4}',
  confirm: 'Bestätigen',
  fail: 'Prüfung scheitern lassen',
  cancel: 'Abbrechen',
  returning: 'Zurück zur Zahlung…',
  continue: 'Weiter',
  wallet_title: 'Jeton Wallet',
  wallet_test: 'Test-Wallet: kein Konto wird belastet.',
  wallet_prompt: 'Diese Zahlung genehmigen?',
  success: 'Erfolg',
  decline: 'Ablehnen',
}

const es: SimText = {
  acs_title: 'Verificación 3-D Secure',
  acs_test: 'Página de emisor de prueba: no interviene ningún banco ni se mueve dinero.',
  acs_prompt: 'Confirme este pago como lo haría el titular de la tarjeta o haga que la verificación falle.',
  merchant: 'Comercio',
  amount: 'Importe',
  card: 'Tarjeta',
  card_ending: 'terminada en {last4}',
  confirm: 'Confirmar',
  fail: 'Fallar la autenticación',
  cancel: 'Cancelar',
  returning: 'Volviendo al pago…',
  continue: 'Continuar',
  wallet_title: 'Jeton Wallet',
  wallet_test: 'Monedero de prueba: no se cobra a ninguna cuenta.',
  wallet_prompt: '¿Aprobar este pago?',
  success: 'Éxito',
  decline: 'Rechazar',
}

const fr: SimText = {
  acs_title: 'Vérification 3-D Secure',
  acs_test: 'Page d’émetteur de test : aucune banque n’intervient, aucun argent ne circule.',
  acs_prompt: 'Confirmez ce paiement comme le ferait le titulaire de la carte, ou faites échouer la vérification.',
  merchant: 'Marchand',
  amount: 'Montant',
  card: 'Carte',
  card_ending: 'se terminant par {last4}',
  confirm: 'Confirmer',
  fail: 'Faire échouer l’authentification',
  cancel: 'Annuler',
  returning: 'Retour au paiement…',
  continue: 'Continuer',
  wallet_title: 'Jeton Wallet',
  wallet_test: 'Portefeuille de test : aucun compte n’est débité.',
  wallet_prompt: 'Approuver ce paiement ?',
  success: 'Succès',
  decline: 'Refuser',
}

const it: SimText = {
  acs_title: 'Verifica 3-D Secure',
  acs_test: 'Pagina di emittente di prova: nessuna banca coinvolta, nessun movimento di denaro.',
  acs_prompt: 'Conferma questo pagamento come farebbe il titolare della carta, oppure fai fallire la verifica.',
  merchant: 'Esercente',
  amount: 'Importo',
  card: 'Carta',
  card_ending: 'che termina con {last4}',
  confirm: 'Conferma',
  fail: 'Fai fallire l’autenticazione',
  cancel: 'Annulla',
  returning: 'Ritorno al pagamento…',
  continue: 'Continua',
  wallet_title: 'Jeton Wallet',
  wallet_test: 'Portafoglio di prova: nessun conto viene addebitato.',
  wallet_prompt: 'Approvare questo pagamento?',
  success: 'Successo',
  decline: 'Rifiuta',
}

const pt: SimText = {
  acs_title: 'Verificação 3-D Secure',
  acs_test: 'Página de emissor de teste: nenhum banco envolvido, nenhum dinheiro movimentado.',
  acs_prompt: 'Confirme este pagamento como o titular do cartão faria, ou faça a verificação falhar.',
  merchant: 'Comerciante',
  amount: 'Valor',
  card: 'Cartão',
  card_ending: 'terminado em {last4}',
  confirm: 'Confirmar',
  fail: 'Falhar a autenticação',
  cancel: 'Cancelar',
  returning: 'Voltando ao pagamento…',
  continue: 'Continuar',
  wallet_title: 'Jeton Wallet',
  wallet_test: 'Carteira de teste: nenhuma conta é cobrada.',
  wallet_prompt: 'Aprovar este pagamento?',
  success: 'Sucesso',
  decline: 'Recusar',
}

const tr: SimText = {
  acs_title: '3-D Secure doğrulaması',
  acs_test: 'Test kart çıkaran sayfası: hiçbir banka dahil değil, para hareketi yok.',
  acs_prompt: 'Bu ödemeyi kart sahibi gibi onaylayın ya da doğrulamayı başarısız yapın.',
  merchant: 'Satıcı',
  amount: 'Tutar',
  card: 'Kart',
  card_ending: 'sonu {last4}',
  confirm: 'Onayla',
  fail: 'Doğrulamayı başarısız yap',
  cancel: 'İptal',
  returning: 'Ödemeye dönülüyor…',
  continue: 'Devam',
  wallet_title: 'Jeton Wallet',
  wallet_test: 'Test cüzdanı: hiçbir hesaptan çekim yapılmaz.',
  wallet_prompt: 'Bu ödeme onaylansın mı?',
  success: 'Başarılı',
  decline: 'Reddet',
}

const pl: SimText = {
  acs_title: 'Weryfikacja 3-D Secure',
  acs_test: 'Testowa strona wydawcy: żaden bank nie uczestniczy, pieniądze nie są przesyłane.',
  acs_prompt: 'Potwierdź tę płatność jak posiadacz karty albo spraw, by weryfikacja się nie powiodła.',
  merchant: 'Sprzedawca',
  amount: 'Kwota',
  card: 'Karta',
  card_ending: 'kończąca się na {last4}',
  confirm: 'Potwierdź',
  fail: 'Nie przechodź weryfikacji',
  cancel: 'Anuluj',
  returning: 'Powrót do płatności…',
  continue: 'Dalej',
  wallet_title: 'Jeton Wallet',
  wallet_test: 'Portfel testowy: żadne konto nie zostanie obciążone.',
  wallet_prompt: 'Zatwierdzić tę płatność?',
  success: 'Sukces',
  decline: 'Odrzuć',
}

const uk: SimText = {
  acs_title: 'Перевірка 3-D Secure',
  acs_test: 'Тестова сторінка банку-емітента: банк не бере участі, гроші не списуються.',
  acs_prompt: 'Підтвердьте платіж, як це зробив би власник картки, або відхиліть перевірку.',
  merchant: 'Магазин',
  amount: 'Сума',
  card: 'Картка',
  card_ending: 'закінчується на {last4}',
  confirm: 'Підтвердити',
  fail: 'Не пройти перевірку',
  cancel: 'Скасувати',
  returning: 'Повертаємося до платежу…',
  continue: 'Продовжити',
  wallet_title: 'Jeton Wallet',
  wallet_test: 'Тестовий гаманець: з рахунку нічого не списується.',
  wallet_prompt: 'Підтвердити цей платіж?',
  success: 'Сплатити',
  decline: 'Відхилити',
}

const kk: SimText = {
  acs_title: '3-D Secure тексеруі',
  acs_test: 'Сынақ эмитент беті: банк қатыспайды, ақша аударылмайды.',
  acs_prompt: 'Төлемді карта иесі сияқты растаңыз немесе тексеруді сәтсіз етіңіз.',
  merchant: 'Дүкен',
  amount: 'Сома',
  card: 'Карта',
  card_ending: 'соңы {last4}',
  confirm: 'Растау',
  fail: 'Тексеруден өтпеу',
  cancel: 'Бас тарту',
  returning: 'Төлемге оралу…',
  continue: 'Жалғастыру',
  wallet_title: 'Jeton Wallet',
  wallet_test: 'Сынақ әмиян: шоттан ештеңе алынбайды.',
  wallet_prompt: 'Бұл төлемді растау керек пе?',
  success: 'Төлеу',
  decline: 'Қабылдамау',
}

const zh: SimText = {
  acs_title: '3-D Secure 验证',
  acs_test: '测试发卡行页面：不涉及任何银行，不会发生资金变动。',
  acs_prompt: '请像持卡人一样确认此付款，或让验证失败。',
  merchant: '商户',
  amount: '金额',
  card: '银行卡',
  card_ending: '尾号 {last4}',
  confirm: '确认',
  fail: '验证失败',
  cancel: '取消',
  returning: '正在返回付款页面…',
  continue: '继续',
  wallet_title: 'Jeton Wallet',
  wallet_test: '测试钱包：不会从任何账户扣款。',
  wallet_prompt: '批准此付款？',
  success: '成功',
  decline: '拒绝',
}

/** Every language of the simulator pages (the hosted page's twelve). */
export const SIM_TEXT: Readonly<Record<string, SimText>> = { en, ru, de, es, fr, it, pt, tr, pl, uk, kk, zh }

/**
 * The page language: the payment's `language_code` when it names one of ours, else the
 * browser's first known language, else English.
 */
export function simLanguage(languageCode: string | undefined, acceptLanguage: string | undefined): string {
  const wanted = [languageCode ?? '', ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0] ?? '')]
  for (const tag of wanted) {
    const lang = tag.trim().slice(0, 2).toLowerCase()
    if (lang && SIM_TEXT[lang]) return lang
  }
  return 'en'
}
