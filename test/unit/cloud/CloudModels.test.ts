import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { baseUrlOf } from "../../../src/Config/Document.js"
import { CLAUDE_MODELS, cloudModelId, geoOf, GEOS } from "../../../src/formats/cloud/CloudModels.js"

// From Anthropic's "Claude in Amazon Bedrock" (Opus 4.7 and later: profiles only, no suffix),
// "Claude on Amazon Bedrock (Opus 4.6 and earlier)" (the -v1 / -v1:0 forms, us-only models) and
// "Claude Models on Google Cloud" (bare ids from 4.6 on, @date before).
const TABLE: ReadonlyArray<readonly [id: string, bedrockUsEast1: string, mantle: string, vertex: string]> = [
  ["claude-opus-5-5", "us.anthropic.claude-opus-5-5", "anthropic.claude-opus-5-5", "claude-opus-5-5"],
  ["claude-sonnet-5-5", "us.anthropic.claude-sonnet-5-5", "anthropic.claude-sonnet-5-5", "claude-sonnet-5-5"],
  ["claude-fable-5-2", "us.anthropic.claude-fable-5-2", "anthropic.claude-fable-5-2", "claude-fable-5-2"],
  ["claude-opus-4-8", "us.anthropic.claude-opus-4-8", "anthropic.claude-opus-4-8", "claude-opus-4-8"],
  ["claude-opus-4-7", "us.anthropic.claude-opus-4-7", "anthropic.claude-opus-4-7", "claude-opus-4-7"],
  ["claude-opus-4-6", "us.anthropic.claude-opus-4-6-v1", "anthropic.claude-opus-4-6-v1", "claude-opus-4-6"],
  ["claude-sonnet-4-6", "us.anthropic.claude-sonnet-4-6", "anthropic.claude-sonnet-4-6", "claude-sonnet-4-6"],
  ["claude-haiku-4-5-20251001", "us.anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5@20251001"],
  ["claude-haiku-4-5", "us.anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5@20251001"],
  ["claude-sonnet-4-5", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5@20250929"],
  ["claude-opus-4-1", "us.anthropic.claude-opus-4-1-20250805-v1:0", "anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1@20250805"],
  ["claude-opus-5-5[1m]", "us.anthropic.claude-opus-5-5", "anthropic.claude-opus-5-5", "claude-opus-5-5"]
]

describe("the Claude model catalogue", () => {
  it.each(TABLE)("%s -> Bedrock %s, Messages API %s, Vertex %s", (id, bedrock, mantle, vertex) => {
    expect(cloudModelId("bedrock", id, { region: "us-east-1" })).toBe(bedrock)
    expect(cloudModelId("bedrock-messages", id)).toBe(mantle)
    expect(cloudModelId("vertex", id)).toBe(vertex)
  })

  it("picks the inference profile's geography from the region, or the provider's own choice", () => {
    expect(["us-east-1", "us-west-2", "ca-central-1", "eu-west-1", "ap-northeast-1", "ap-southeast-2", "ap-south-1", "sa-east-1"].map(geoOf))
      .toEqual(["us", "us", "us", "eu", "jp", "au", "apac", "global"])
    expect(cloudModelId("bedrock", "claude-opus-5-5", { region: "eu-central-1" })).toBe("eu.anthropic.claude-opus-5-5")
    expect(cloudModelId("bedrock", "claude-opus-5-5", { region: "eu-central-1", inferenceProfile: "global" })).toBe("global.anthropic.claude-opus-5-5")
  })

  it("a model only some geographies have gets one of those", () => {
    expect(cloudModelId("bedrock", "claude-opus-4-1", { region: "eu-west-1" })).toBe("us.anthropic.claude-opus-4-1-20250805-v1:0")
  })

  it("an unknown future id follows the newest pattern: no invented suffix, bare on Vertex", () => {
    expect(cloudModelId("bedrock", "claude-opus-6", { region: "us-east-1" })).toBe("us.anthropic.claude-opus-6")
    expect(cloudModelId("bedrock-messages", "claude-opus-6")).toBe("anthropic.claude-opus-6")
    expect(cloudModelId("vertex", "claude-opus-6")).toBe("claude-opus-6")
  })

  it("an id already in the platform's form is kept", () => {
    expect(cloudModelId("bedrock", "arn:aws:bedrock:us-east-1:1:inference-profile/x")).toBe("arn:aws:bedrock:us-east-1:1:inference-profile/x")
    expect(cloudModelId("bedrock", "eu.anthropic.claude-opus-5-5", { region: "us-east-1" })).toBe("eu.anthropic.claude-opus-5-5")
    expect(cloudModelId("vertex", "claude-sonnet-4-5@20250929")).toBe("claude-sonnet-4-5@20250929")
  })

  it("property: every id the catalogue produces matches the platform's documented pattern", () => {
    const known = Object.keys(CLAUDE_MODELS)
    const future = fc.tuple(fc.constantFrom("opus", "sonnet", "haiku", "fable"), fc.integer({ min: 6, max: 9 }), fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }))
      .map(([family, major, minor]) => `claude-${family}-${major}${minor === undefined ? "" : `-${minor}`}`)
    const region = fc.constantFrom("us-east-1", "eu-west-3", "ap-northeast-1", "ap-southeast-2", "ap-south-1", "me-central-1")
    fc.assert(fc.property(fc.oneof(fc.constantFrom(...known), future), region, fc.option(fc.constantFrom(...GEOS), { nil: undefined }), (id, r, profile) => {
      const dated = /-\d{8}$/.test(id)
      const bedrock = cloudModelId("bedrock", id, { region: r, inferenceProfile: profile })
      // a geography, `anthropic.`, the id; `-v1:0` exactly for dated ids; `-v1` only for Opus 4.6
      expect(bedrock).toMatch(/^(global|us|eu|jp|au|apac)\.anthropic\.claude-[a-z0-9-]+(-v1(:0)?)?$/)
      expect(bedrock.endsWith("-v1:0")).toBe(dated)
      if (bedrock.endsWith("-v1")) expect(id).toBe("claude-opus-4-6")
      const mantle = cloudModelId("bedrock-messages", id)
      expect(mantle).toMatch(/^anthropic\.claude-[a-z0-9-]+(-v1(:0)?)?$/)
      const vertex = cloudModelId("vertex", id)
      expect(vertex).toMatch(/^claude-[a-z0-9-]+(@\d{8})?$/)
      expect(vertex.includes("@")).toBe(dated)
    }), { numRuns: 300, seed: 11 })
  })
})

describe("cloud endpoints", () => {
  it("Vertex: global, the us and eu multi-region hosts, single regions", () => {
    expect(baseUrlOf({ format: "vertex", region: "global" })).toBe("https://aiplatform.googleapis.com")
    expect(baseUrlOf({ format: "vertex", region: "us" })).toBe("https://aiplatform.us.rep.googleapis.com")
    expect(baseUrlOf({ format: "vertex", region: "eu" })).toBe("https://aiplatform.eu.rep.googleapis.com")
    expect(baseUrlOf({ format: "vertex", region: "us-east5" })).toBe("https://us-east5-aiplatform.googleapis.com")
  })

  it("Bedrock: InvokeModel's runtime host, the Messages API's bedrock-mantle host; Claude Platform on AWS", () => {
    expect(baseUrlOf({ format: "bedrock", region: "us-east-1" })).toBe("https://bedrock-runtime.us-east-1.amazonaws.com")
    expect(baseUrlOf({ format: "bedrock", region: "us-east-1", api: "messages" })).toBe("https://bedrock-mantle.us-east-1.api.aws")
    expect(baseUrlOf({ format: "claude-platform-aws", region: "us-west-2" })).toBe("https://aws-external-anthropic.us-west-2.api.aws")
  })
})
