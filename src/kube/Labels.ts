/**
 * Validators for Kubernetes names and label values, following the API server's rules. Each
 * returns the list of problems found; an empty list means the value is valid. The controller
 * uses them to skip agent tags that would make a Job invalid (for example `queue=*`) instead
 * of letting the API server reject the whole Job.
 */

const labelValueMaxLength = 63
const dns1123LabelMaxLength = 63
const dns1123SubdomainMaxLength = 253
const qualifiedNameMaxLength = 63

const labelValuePattern = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/
const qualifiedNamePattern = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/
const dns1123LabelPattern = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/
const dns1123SubdomainPattern =
  /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/

const tooLong = (max: number) => `must be at most ${max} characters long`

/** Problems with a label value: at most 63 characters, alphanumeric at both ends, empty allowed. */
export const labelValueErrors = (value: string): ReadonlyArray<string> => [
  ...(value.length > labelValueMaxLength ? [tooLong(labelValueMaxLength)] : []),
  ...(labelValuePattern.test(value)
    ? []
    : [
        "a label value must be empty or consist of letters, digits, '-', '_' or '.', " +
          "and must begin and end with a letter or digit (for example 'v1.2', 'my_value' or 'abc-123')",
      ]),
]

/** Problems with a DNS-1123 label (a lowercase RFC 1123 hostname part, at most 63 characters). */
export const dns1123LabelErrors = (value: string): ReadonlyArray<string> => [
  ...(value.length > dns1123LabelMaxLength ? [tooLong(dns1123LabelMaxLength)] : []),
  ...(dns1123LabelPattern.test(value)
    ? []
    : [
        "a DNS-1123 label must consist of lowercase letters, digits or '-', " +
          "and must begin and end with a letter or digit (for example 'my-name' or 'abc-123')",
      ]),
]

/** Problems with a DNS-1123 subdomain (dot-separated DNS-1123 labels, at most 253 characters). */
export const dns1123SubdomainErrors = (value: string): ReadonlyArray<string> => [
  ...(value.length > dns1123SubdomainMaxLength ? [tooLong(dns1123SubdomainMaxLength)] : []),
  ...(dns1123SubdomainPattern.test(value)
    ? []
    : [
        "a DNS-1123 subdomain must consist of lowercase letters, digits, '-' or '.', " +
          "and must begin and end with a letter or digit (for example 'example.com')",
      ]),
]

/**
 * Problems with a qualified name such as a label or annotation key: an optional DNS-1123
 * subdomain prefix and `/`, then a name of at most 63 letters, digits, `-`, `_` or `.` that
 * begins and ends with a letter or digit.
 */
export const qualifiedNameErrors = (value: string): ReadonlyArray<string> => {
  const parts = value.split("/")
  if (parts.length > 2) {
    return [
      "a qualified name must be a name optionally preceded by a DNS subdomain prefix and '/' " +
        "(for example 'my-name' or 'example.com/my-name')",
    ]
  }
  const name = parts.length === 2 ? (parts[1] ?? "") : value
  const prefixErrors =
    parts.length === 2
      ? (parts[0] ?? "") === ""
        ? ["the prefix part must not be empty"]
        : dns1123SubdomainErrors(parts[0] ?? "").map((problem) => `the prefix part ${problem}`)
      : []
  if (name === "") return [...prefixErrors, "the name part must not be empty"]
  return [
    ...prefixErrors,
    ...(name.length > qualifiedNameMaxLength
      ? [`the name part ${tooLong(qualifiedNameMaxLength)}`]
      : []),
    ...(qualifiedNamePattern.test(name)
      ? []
      : [
          "the name part must consist of letters, digits, '-', '_' or '.', and must begin and " +
            "end with a letter or digit (for example 'MyName', 'my.name' or '123-abc')",
        ]),
  ]
}
