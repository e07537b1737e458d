/** "Did you mean" suggestions for misspelt keys. */

/** Levenshtein distance, case-insensitive (a wrong case alone is distance 0). */
export const editDistance = (a: string, b: string): number => {
  const left = a.toLowerCase()
  const right = b.toLowerCase()
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index)
  for (let i = 1; i <= left.length; i++) {
    const current = [i]
    for (let j = 1; j <= right.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[right.length] ?? 0
}

/**
 * The candidate nearest to `key`, when it is close enough to be a plausible typo: at most a
 * third of the key's length in edits (and at least 2 allowed), so `imagePullPolicy` suggests
 * for `imagePulPolicy` but `foo` does not suggest `fsGroup`.
 */
export const nearest = (key: string, candidates: ReadonlyArray<string>): string | undefined => {
  const limit = Math.max(2, Math.floor(key.length / 3))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of candidates) {
    const distance = editDistance(key, candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}
