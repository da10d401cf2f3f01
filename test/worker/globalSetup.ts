import { fileURLToPath } from "node:url"
import type { TestProject } from "vitest/node"
import { buildPage } from "../../scripts/build-page.mjs"
import { startFakeUpstream } from "../../scripts/fake-upstream.mjs"

export default async function setup(project: TestProject) {
  // wrangler.toml serves the admin page from its build (`[assets]`): the directory must exist.
  await buildPage()
  const fake = await startFakeUpstream()
  project.provide("fakeUrl", fake.url)
  // The pool's runner module, whose SELF entrypoint test/worker/selfEntrypoint.ts keeps lean.
  project.provide("selfEntrypointModule", fileURLToPath(new URL("../../node_modules/@cloudflare/vitest-pool-workers/dist/worker/index.mjs", import.meta.url)))
  return () => fake.close()
}

declare module "vitest" {
  export interface ProvidedContext {
    fakeUrl: string
    selfEntrypointModule: string
  }
}
