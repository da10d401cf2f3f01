import type { TestProject } from "vitest/node"
import { startFakeUpstream } from "../../scripts/fake-upstream.mjs"

export default async function setup(project: TestProject) {
  const fake = await startFakeUpstream()
  project.provide("fakeUrl", fake.url)
  return () => fake.close()
}

declare module "vitest" {
  export interface ProvidedContext {
    fakeUrl: string
  }
}
