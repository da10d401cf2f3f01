import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { managedDocument, resolveRefs, variablesDocument } from "../../src/Config/Sources.js"

const doc = (apiKey: string, token = "tok_plain_0123456789abcdef") => JSON.stringify({
  providers: [{ name: "b", format: "openai", baseUrl: "https://b.example.com/v1", apiKey, headers: { "x-extra": "env:EXTRA" } }],
  accessTokens: [{ token }]
})

describe("configuration sources", () => {
  it("resolves env: references in keys, header values and tokens; names a missing one", () => {
    const { issues, value } = resolveRefs(JSON.parse(doc("env:B_KEY", "env:TOKEN")), { B_KEY: "sk-b", TOKEN: "tok_from_env_0123456789", EXTRA: "1" })
    expect(issues).toEqual([])
    expect(value).toMatchObject({ providers: [{ apiKey: "sk-b", headers: { "x-extra": "1" } }], accessTokens: [{ token: "tok_from_env_0123456789" }] })
    const missing = resolveRefs(JSON.parse(doc("env:B_KEY")), { EXTRA: "1" })
    expect(missing.issues).toEqual([{ path: ["providers", 0, "apiKey"], message: "env:B_KEY: the variable B_KEY is not set" }])
  })

  it("resolves env: references in the clouds' secrets too: the AWS secret and session token, the service-account key", () => {
    const cloud = {
      providers: [
        { name: "bedrock", format: "bedrock", region: "us-east-1", aws: { accessKeyId: "AKIAFAKEFAKEFAKE0001", secretAccessKey: "env:AWS_SECRET", sessionToken: "env:AWS_SESSION" } },
        { name: "vertex", format: "vertex", region: "global", project: "my-project", serviceAccount: { client_email: "a@b.iam.gserviceaccount.com", private_key: "env:GOOGLE_KEY" } }
      ]
    }
    const { issues, value } = resolveRefs(cloud, { AWS_SECRET: "secret", AWS_SESSION: "session", GOOGLE_KEY: "-----BEGIN PRIVATE KEY-----\\nAA\\n-----END PRIVATE KEY-----" })
    expect(issues).toEqual([])
    expect(value).toMatchObject({
      providers: [
        { aws: { accessKeyId: "AKIAFAKEFAKEFAKE0001", secretAccessKey: "secret", sessionToken: "session" } },
        { serviceAccount: { client_email: "a@b.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\\nAA\\n-----END PRIVATE KEY-----" } }
      ]
    })
    expect(resolveRefs(cloud, {}).issues.map((i) => i.path.join("."))).toEqual([
      "providers.0.aws.secretAccessKey",
      "providers.0.aws.sessionToken",
      "providers.1.serviceAccount.private_key"
    ])
  })

  it("resolves env: references in a key pool, key by key", () => {
    const doc = { providers: [{ name: "team", format: "anthropic", baseUrl: "https://api.anthropic.com", keys: [{ key: "env:KEY_ONE" }, { key: "env:KEY_TWO", weight: 2 }] }] }
    const { issues, value } = resolveRefs(doc, { KEY_ONE: "sk-one", KEY_TWO: "sk-two" })
    expect(issues).toEqual([])
    expect(value).toMatchObject({ providers: [{ keys: [{ key: "sk-one" }, { key: "sk-two", weight: 2 }] }] })
    expect(resolveRefs(doc, { KEY_ONE: "sk-one" }).issues.map((i) => i.path.join("."))).toEqual(["providers.0.keys.1.key"])
  })

  it("validates FAILOVER_CONFIG like the admin API and reports the first problem with its path, never a secret", () => {
    expect(managedDocument({}, false)).toBeUndefined()
    expect(Either.isRight(managedDocument({ FAILOVER_CONFIG: doc("env:B_KEY"), B_KEY: "sk-b", EXTRA: "1" }, false)!)).toBe(true)
    expect(managedDocument({ FAILOVER_CONFIG: "{" }, false)).toEqual(Either.left("FAILOVER_CONFIG is not valid JSON"))
    const short = managedDocument({ FAILOVER_CONFIG: doc("sk-secret-key-1", "tok_short"), EXTRA: "1" }, false)!
    expect(short).toEqual(Either.left("FAILOVER_CONFIG: accessTokens[0].token: must be at least 16 characters"))
  })

  it("builds the document the familiar variables describe, and names a bad one without its secret", () => {
    expect(variablesDocument({})).toBeUndefined()
    const built = variablesDocument({ CLAUDE_API_BASE: "https://proxy.example.com", CLAUDE_API_KEY: "sk-x", ACCESS_TOKENS: "tok_aaaaaaaaaaaaaaaa, tok_bbbbbbbbbbbbbbbb", PROXY_ALLOWED_ORIGINS: "https://a.example.com", PROXY_TIMEOUT_MS: "5000" })!
    expect(Either.getOrThrow(built)).toMatchObject({
      providers: [{ name: "anthropic", baseUrl: "https://proxy.example.com", apiKey: "sk-x", timeoutMs: 5000 }],
      accessTokens: [{ token: "tok_aaaaaaaaaaaaaaaa" }, { token: "tok_bbbbbbbbbbbbbbbb" }],
      settings: { allowedOrigins: ["https://a.example.com"] }
    })
    expect(Either.getOrThrow(variablesDocument({ PRIMARY_BASE_URL: "https://p.example.com" })!).providers[0]!.baseUrl).toBe("https://p.example.com")
    const bad = variablesDocument({ ACCESS_TOKENS: "tok_secret" })!
    expect(Either.isLeft(bad) && bad.left).toMatch(/^ACCESS_TOKENS is not valid/)
    expect(Either.isLeft(bad) && bad.left).not.toContain("tok_secret")
  })
})
