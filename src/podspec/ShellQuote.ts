/**
 * POSIX shell quoting with the exact output of the Go controller's quoting library, so that a
 * `BUILDKITE_COMMAND` built here is byte-for-byte the one the Go controller would build.
 *
 * Per word: an empty word becomes `''`; a word holding a space, tab or newline is wrapped in
 * single quotes (an embedded `'` closes the quotes, is written as `\'`, and reopens them);
 * any other word is written as is, except that each shell metacharacter, and a `~` in first
 * position, gets a backslash in front of it.
 */

/** Characters that switch a word to single-quote mode: a backslash cannot protect them. */
const blanks = new Set([" ", "\t", "\n"])

/** Characters a shell treats specially anywhere in a word. */
const metacharacters = new Set([..."\\'\"`${[|&;<>()*?!"])

/** Characters a shell treats specially only at the start of a word (tilde expansion). */
const leadingMetacharacters = new Set(["~"])

const hasBlank = (word: string): boolean => {
  for (const char of word) {
    if (blanks.has(char)) return true
  }
  return false
}

const backslashEscape = (word: string): string => {
  let out = ""
  let first = true
  for (const char of word) {
    const special = metacharacters.has(char) || (first && leadingMetacharacters.has(char))
    out += special ? `\\${char}` : char
    first = false
  }
  return out
}

// Runs of text between single quotes are quoted; each single quote is written as `\'`
// outside any quotes, so `it's a` becomes `'it'\''s a'` and no empty `''` pairs appear.
const singleQuote = (word: string): string =>
  word
    .split("'")
    .map((run) => (run === "" ? "" : `'${run}'`))
    .join("\\'")

/** Quotes one word for a POSIX shell. */
export const shellQuote = (word: string): string => {
  if (word === "") return "''"
  return hasBlank(word) ? singleQuote(word) : backslashEscape(word)
}

/** Quotes each word for a POSIX shell and joins them with single spaces. */
export const shellQuoteJoin = (words: ReadonlyArray<string>): string =>
  words.map(shellQuote).join(" ")
