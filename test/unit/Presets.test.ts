import { describe, expect, it } from "@effect/vitest"
import { catalogueFor } from "../../src/Capabilities/Capabilities.js"
import { compileModels } from "../../src/Config/Models.js"
import { PRESETS } from "../../src/Config/Presets.js"

describe("provider presets", () => {
  it("map Claude Code's Haiku ids (claude-haiku-4-5-20251001) to the small model where they have one", () => {
    for (const p of PRESETS.filter((p) => p.models?.["claude-haiku-*"] !== undefined)) {
      const map = compileModels(p.models)
      expect(map("claude-haiku-4-5-20251001"), p.id).toBe(p.models!["claude-haiku-*"])
      expect(map("claude-opus-5-5"), p.id).toBe(p.models!["*"])
    }
  })

  it("send models the capability catalogue knows (the two routers' catalogues are theirs)", () => {
    for (const p of PRESETS.filter((p) => p.format !== undefined && p.id !== "openrouter" && p.id !== "groq")) {
      const map = compileModels(p.models)
      for (const model of ["claude-opus-5-5", "claude-haiku-4-5-20251001"]) {
        expect(catalogueFor(p.format!, map(model)).length, `${p.id} ${map(model)}`).toBeGreaterThan(0)
      }
    }
  })
})
