/**
 * Kubernetes' short human durations (`45s`, `3m10s`, `5h`, `2d3h`, `3y10d`), as kubectl
 * prints ages: precise for short spans, coarser as they grow.
 */

const plural = (value: number, unit: string, rest: number, restUnit: string): string =>
  rest === 0 ? `${value}${unit}` : `${value}${unit}${rest}${restUnit}`

/** Formats a span in milliseconds; negative spans (clock skew) read as `0s`. */
export const humanDuration = (millis: number): string => {
  const seconds = Math.floor(Math.max(0, millis) / 1000)
  if (seconds < 120) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 10) return plural(minutes, "m", seconds % 60, "s")
  if (minutes < 180) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 8) return plural(hours, "h", minutes % 60, "m")
  if (hours < 48) return `${hours}h`
  const days = Math.floor(hours / 24)
  if (hours < 24 * 8) return plural(days, "d", hours % 24, "h")
  if (days < 365 * 2) return `${days}d`
  const years = Math.floor(days / 365)
  if (days < 365 * 8) return plural(years, "y", days % 365, "d")
  return `${years}y`
}
