import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { env, SELF } from "cloudflare:test"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { AdminApi, Conflict, InvalidRequest, NotFound, Unauthorized } from "../../src/Admin/Api.js"
import { anthropicMessage, scenario } from "./helpers.js"

/** The Worker as the client's HTTP transport: every request goes through SELF.fetch. */
const WorkerFetch = FetchHttpClient.layer.pipe(
  Layer.provide(Layer.succeed(FetchHttpClient.Fetch, (input, init) => SELF.fetch(input instanceof URL ? input.href : input, init)))
)

const clientWith = (adminToken: string) =>
  HttpApiClient.make(AdminApi, {
    baseUrl: "http://proxy",
    transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(adminToken))
  })

const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) => Effect.runPromise(Effect.provide(effect, WorkerFetch))

describe("admin API: the typed client from the same definition", () => {
  it("drives the Worker: providers, tokens, settings, env, health, usage, provider test", async () => {
    const upstream = await scenario([{ json: anthropicMessage("pong") }])
    await run(Effect.gen(function*() {
      const client = yield* clientWith("test-admin-token")

      const initial = yield* client.config.getConfig()
      expect(initial.stored).toBe(false)

      const token = yield* client.tokens.createToken({ payload: { note: "client" } })
      expect(token.token).toMatch(/^cfo_/)

      const added = yield* client.providers.addProvider({
        payload: { name: "fake", format: "anthropic", baseUrl: upstream.baseUrl, apiKey: "sk-fake-key-0000000001" }
      })
      expect(added.providers.map((p) => p.name)).toEqual(["anthropic", "fake"])
      expect(added.providers[1]!.apiKey).toBe("sk-\u20260001")

      const reordered = yield* client.providers.reorderProviders({ payload: { names: ["fake", "anthropic"] } })
      expect(reordered.providers.map((p) => p.name)).toEqual(["fake", "anthropic"])

      const tested = yield* client.providers.testProvider({ path: { name: "fake" }, payload: {} })
      expect(tested).toMatchObject({ ok: true, status: 200 })

      const settings = yield* client.settings.putSettings({ payload: { maxRetryAfterMs: 1000 } })
      expect(settings.maxRetryAfterMs).toBe(1000)

      const envView = yield* client.env.getEnv()
      expect(envView.baseUrl).toBe("http://proxy")
      expect(envView.needsToken).toBe(true)

      const health = yield* client.health.getHealth()
      expect(health.providers.map((p) => p.name)).toEqual(["fake", "anthropic"])

      const usage = yield* client.usage.getUsage()
      expect(usage.scope).toBe("isolate")

      const tokens = yield* client.tokens.listTokens()
      expect(tokens.tokens).toEqual([{ index: 0, id: token.id, note: "client", token: expect.stringMatching(/\u2026/) }])
      // Addressed by its id through the typed client.
      const noted = yield* client.tokens.setTokenNote({ path: { ref: token.id }, payload: { note: "renamed" } })
      expect(noted.tokens[0]).toMatchObject({ id: token.id, note: "renamed" })

      // Errors come back typed, Anthropic-shaped, with their paths.
      const invalid = yield* Effect.flip(client.providers.addProvider({
        payload: { name: "other", format: "anthropic", baseUrl: "https://other.example.com", apiKey: "sk-\u2026zzzz" }
      }))
      expect(invalid).toBeInstanceOf(InvalidRequest)
      expect((invalid as InvalidRequest).issues.map((i) => i.path)).toEqual(["providers[2].apiKey"])
      const taken = yield* Effect.flip(client.providers.addProvider({
        payload: { name: "fake", format: "anthropic", baseUrl: "https://dup.example.com" }
      }))
      expect(taken).toBeInstanceOf(Conflict)

      const missing = yield* Effect.flip(client.providers.deleteProvider({ path: { name: "nope" } }))
      expect(missing).toBeInstanceOf(NotFound)
    }))
    const stored = JSON.parse((await env.CONFIG.get("config"))!) as { providers: Array<{ name: string; apiKey?: string }> }
    expect(stored.providers[0]!.apiKey).toBe("sk-fake-key-0000000001")
  })

  it("fails with the typed 401 for a wrong admin token", async () => {
    const error = await run(Effect.flatMap(clientWith("wrong"), (client) => Effect.flip(client.providers.listProviders())))
    expect(error).toBeInstanceOf(Unauthorized)
    expect((error as Unauthorized).error.type).toBe("authentication_error")
  })
})
