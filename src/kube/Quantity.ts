/**
 * Kubernetes resource quantities (`200m`, `128Mi`, `1.5`, `2e3`, `1G`), parsed the way the API
 * server accepts them: a signed decimal number followed by at most one binary suffix
 * (`Ki`…`Ei`), decimal suffix (`n`, `u`, `m`, `k`, `M`, `G`, `T`, `P`, `E`) or decimal
 * exponent (`e3`, `E-2`). The API server rejects anything else when the Job is created, so
 * checking early turns a rejected Job into a clear configuration or job error.
 */

/** A parsed quantity: its text and an approximate numeric value (base units, e.g. cores). */
export interface Quantity {
  readonly text: string
  readonly value: number
}

const binarySuffixes: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
}

const decimalSuffixes: Readonly<Record<string, number>> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
}

// The exponent alternative comes first so that `1E3` is 1000 while a bare `1E` is one exa.
const quantityPattern =
  /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE]?))$/

const explain =
  "expected a number with an optional suffix (n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei) " +
  'or exponent (e.g. e3), such as "500m", "1.5", "128Mi" or "2e3"'

/** Parses a quantity; `Left`-style result: `{ error }` names the text and what was expected. */
export const parseQuantity = (
  text: string,
): { readonly quantity: Quantity } | { readonly error: string } => {
  const match = quantityPattern.exec(text)
  if (match === null) {
    return { error: `invalid quantity ${JSON.stringify(text)}: ${explain}` }
  }
  const [, number = "0", exponent, binary, decimal = ""] = match
  const scale =
    exponent !== undefined
      ? 10 ** Number(exponent.slice(1))
      : binary !== undefined
        ? (binarySuffixes[binary] ?? 1)
        : (decimalSuffixes[decimal] ?? 1)
  return { quantity: { text, value: Number(number) * scale } }
}

/** The problem with a quantity, or `undefined` when the API server would accept it. */
export const quantityError = (text: string): string | undefined => {
  const result = parseQuantity(text)
  return "error" in result ? result.error : undefined
}

/** True when the API server would accept `text` as a quantity. */
export const isQuantity = (text: string): boolean => quantityPattern.test(text)
