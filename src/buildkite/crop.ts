/**
 * Byte-limited text for the API's size-capped fields (notification and finish details).
 * The limits are in UTF-8 bytes; cropping never cuts a character in half, which the
 * original's byte slicing could do (leaving an invalid sequence for the server).
 */

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The suffix marking a cropped stack notification detail. */
export const notificationCropSuffix = "… (cropped)"

/** The most bytes a stack notification detail may have, suffix included. */
export const notificationDetailMaxBytes = 255

/** The suffix marking a cropped finish detail, as Buildkite's own client writes it. */
export const finishCropSuffix = "… (Message was cropped because it exceeded the max size)"

/** The most bytes a finish detail may have, suffix included. */
export const finishDetailMaxBytes = 4096

/** The UTF-8 length of a string in bytes. */
export const utf8Length = (text: string): number => encoder.encode(text).length

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, whole characters only. */
export const utf8Prefix = (text: string, maxBytes: number): string => {
  const bytes = encoder.encode(text)
  if (bytes.length <= maxBytes) return text
  let end = Math.max(0, maxBytes)
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character start.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return decoder.decode(bytes.subarray(0, end))
}

/**
 * `text` unchanged when it fits in `maxBytes`; otherwise as many whole characters as fit
 * beside `suffix`, followed by `suffix`, together at most `maxBytes`.
 */
export const cropUtf8 = (text: string, maxBytes: number, suffix: string): string => {
  if (utf8Length(text) <= maxBytes) return text
  return utf8Prefix(text, maxBytes - utf8Length(suffix)) + suffix
}

/** A notification detail cropped to the API's 255-byte limit. */
export const cropNotificationDetail = (detail: string): string =>
  cropUtf8(detail, notificationDetailMaxBytes, notificationCropSuffix)

/** A finish detail cropped to the API's 4096-byte limit. */
export const cropFinishDetail = (detail: string): string =>
  cropUtf8(detail, finishDetailMaxBytes, finishCropSuffix)
