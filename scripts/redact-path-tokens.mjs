// Access tokens travel in URL paths (`/t/<token>/v1/...`); `wrangler dev` prints every request's path
// in its own access log. `npm start` passes wrangler's output through this, line by line.
import { createInterface } from "node:readline"

/** The line with every `/t/<token>` path segment replaced by `/t/<redacted>`. */
export const redactPathTokens = (line) => line.replace(/\/t\/[^/\s?#"']+/g, "/t/<redacted>")

/** Copies `input` to `output` line by line, redacted. */
export const pipeRedacted = (input, output) => {
  const lines = createInterface({ input, crlfDelay: Infinity })
  lines.on("line", (line) => output.write(redactPathTokens(line) + "\n"))
}
