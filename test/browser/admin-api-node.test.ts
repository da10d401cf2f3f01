import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest, OpenApi } from "@effect/platform"
import { Validator } from "@seriousme/openapi-schema-validator"
import { Effect } from "effect"
import { describe, expect, inject, it } from "vitest"
import { AdminApi, Unauthorized } from "../../src/Admin/Api.js"

const workerUrl = inject("workerUrl")

describe("the admin API over real HTTP (Miniflare)", () => {
  it("serves an OpenAPI 3 document that validates and matches the definition", async () => {
    const r = await fetch(`${workerUrl}/admin/api/openapi.json`)
    expect(r.status).toBe(200)
    expect(r.headers.get("content-type")).toMatch(/application\/json/)
    const spec = (await r.json()) as Record<string, unknown>
    expect(spec).toEqual(JSON.parse(JSON.stringify(OpenApi.fromApi(AdminApi))))
    const validator = new Validator()
    const result = await validator.validate(spec)
    expect(result.errors).toBeUndefined()
    expect(result.valid).toBe(true)
    expect(validator.version).toBe("3.1")
    expect(() => validator.resolveRefs()).not.toThrow()
    // the validator does reject a broken document
    const broken = await new Validator().validate({ ...spec, paths: { "/x": { get: { responses: "nope" } } } })
    expect(broken.valid).toBe(false)
  })

  it("is usable from another Effect program through HttpApiClient", async () => {
    const program = Effect.gen(function*() {
      const client = yield* HttpApiClient.make(AdminApi, {
        baseUrl: workerUrl,
        transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(inject("adminToken")))
      })
      const env = yield* client.env.getEnv()
      const health = yield* client.health.getHealth()
      const refused = yield* HttpApiClient.make(AdminApi, { baseUrl: workerUrl }).pipe(
        Effect.flatMap((anonymous) => Effect.flip(anonymous.usage.getUsage()))
      )
      return { env, health, refused }
    })
    const { env, health, refused } = await Effect.runPromise(Effect.provide(program, FetchHttpClient.layer))
    expect(env.baseUrl).toBe(workerUrl)
    expect(health.scope).toBe("deployment")
    expect(refused).toBeInstanceOf(Unauthorized)
  })
})
