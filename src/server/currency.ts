// Stripe's lists (docs.stripe.com/currencies): amounts in these are whole units …
const ZERO_DECIMAL = 'BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF';
// … and in these, thousandths. ISK, HUF and TWD are special cases Stripe still expresses with two decimals.
const THREE_DECIMAL = 'BHD JOD KWD OMR TND';

/** Digits after the decimal point in Stripe API amounts for a currency (0, 2 or 3). */
export const currencyExponent = (currency: string): number => {
  const code = currency.toUpperCase();
  if (code.length !== 3) return 2;
  return ZERO_DECIMAL.includes(code) ? 0 : THREE_DECIMAL.includes(code) ? 3 : 2;
};

/** Stripe minor units (1999) to major units (19.99) for the currency. */
export const fromMinorUnits = (amount: number, currency: string): number => {
  const exp = currencyExponent(currency);
  // toFixed removes binary float noise (e.g. 1.005 → 1.0050000000000001) without rounding real digits away.
  return Number((amount / 10 ** exp).toFixed(exp));
};
