import { readFileSync } from "node:fs"
import { Effect } from "effect"

/** An in-memory io for the one-shot commands: files from a map (or the repository), captured output. */
export const memoryIo = (files: Readonly<Record<string, string>> = {}) => {
  const out: Array<string> = []
  const err: Array<string> = []
  return {
    io: {
      readFile: (path: string) =>
        path in files
          ? Effect.succeed(files[path] ?? "")
          : Effect.try(() => readFileSync(path, "utf8")),
      env: {},
      stdout: (text: string) => {
        out.push(text)
      },
      stderr: (text: string) => {
        err.push(text)
      },
    },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  }
}
