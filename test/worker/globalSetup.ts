import type { TestProject } from "vitest/node"
import { buildPage } from "../../scripts/build-page.mjs"
import { startFakeUpstream } from "../../scripts/fake-upstream.mjs"

export default async function setup(project: TestProject) {
  // wrangler.toml serves the admin page from its build (`[assets]`): the directory must exist.
  await buildPage()
  const fake = await startFakeUpstream()
  project.provide("fakeUrl", fake.url)
  return () => fake.close()
}

declare module "vitest" {
  export interface ProvidedContext {
    fakeUrl: string
  }
}
