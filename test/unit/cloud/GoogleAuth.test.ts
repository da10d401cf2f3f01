import { describe, expect, it } from "@effect/vitest"
import { createVerify, generateKeyPairSync } from "node:crypto"
import { CLOUD_PLATFORM_SCOPE, GoogleAuthError, GoogleTokens, signedAssertion } from "../../../src/formats/cloud/GoogleAuth.js"

const pair = generateKeyPairSync("rsa", { modulusLength: 2048 })
const key = {
  client_email: "sa@project.iam.gserviceaccount.com",
  private_key: pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  private_key_id: "kid1",
  token_uri: "https://oauth2.example/token"
}
const part = (s: string) => JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Record<string, unknown>

describe("service-account JWT", () => {
  it("is RS256-signed by the key: the public half verifies it; its claims are Google's", async () => {
    const jwt = await signedAssertion(key, Date.UTC(2026, 0, 1))
    const [h, c, s] = jwt.split(".")
    const verify = createVerify("RSA-SHA256")
    verify.update(`${h}.${c}`)
    expect(verify.verify(pair.publicKey, Buffer.from(s!, "base64url"))).toBe(true)
    expect(part(h!)).toEqual({ alg: "RS256", typ: "JWT", kid: "kid1" })
    const iat = Date.UTC(2026, 0, 1) / 1000
    expect(part(c!)).toEqual({ iss: key.client_email, scope: CLOUD_PLATFORM_SCOPE, aud: key.token_uri, iat, exp: iat + 3600 })
    // another key's public half does not verify it
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
    const v2 = createVerify("RSA-SHA256")
    v2.update(`${h}.${c}`)
    expect(v2.verify(other.publicKey, Buffer.from(s!, "base64url"))).toBe(false)
  })

  it("accepts the key with literal \\n, as environment variables hold it", async () => {
    const jwt = await signedAssertion({ ...key, private_key: key.private_key.replace(/\n/g, "\\n") }, Date.now())
    expect(jwt.split(".")).toHaveLength(3)
  })

  it("a key that cannot sign is an error that says so", async () => {
    const error = await signedAssertion({ ...key, private_key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }, 0).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GoogleAuthError)
    expect((error as GoogleAuthError).kind).toBe("key")
    expect((error as GoogleAuthError).message).toMatch(/cannot sign/)
  })
})

describe("access token cache", () => {
  const setup = (answer: () => Response = () => Response.json({ access_token: `tok${++issued}`, expires_in: 3600 })) => {
    let now = 1_000_000
    const requests: Array<string> = []
    const tokens = new GoogleTokens({
      now: () => now,
      fetch: async (_url, init) => {
        requests.push(String(init?.body))
        await new Promise((r) => setTimeout(r, 10))
        return answer()
      }
    })
    return { tokens, requests, advance: (ms: number) => (now += ms) }
  }
  let issued = 0

  it("asks once for many concurrent requests, then serves from the cache until shortly before expiry", async () => {
    const { advance, requests, tokens } = setup()
    const first = await Promise.all(Array.from({ length: 20 }, () => tokens.token(key)))
    expect(new Set(first).size).toBe(1)
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatch(/^grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=[\w-]+\.[\w-]+\.[\w-]+$/)
    advance(50 * 60_000)
    expect(await tokens.token(key)).toBe(first[0])
    expect(requests).toHaveLength(1)
    advance(6 * 60_000) // 56 minutes: within 5 minutes of the hour
    const renewed = await Promise.all([tokens.token(key), tokens.token(key)])
    expect(renewed[0]).not.toBe(first[0])
    expect(renewed[1]).toBe(renewed[0])
    expect(requests).toHaveLength(2)
  })

  it("forgets a token the API refused", async () => {
    const { requests, tokens } = setup()
    const a = await tokens.token(key)
    tokens.forget(key)
    expect(await tokens.token(key)).not.toBe(a)
    expect(requests).toHaveLength(2)
  })

  it("a refused grant is an error with Google's reason; a failed refresh is not cached", async () => {
    let refuse = true
    const { requests, tokens } = setup(() =>
      refuse ? Response.json({ error: "invalid_grant", error_description: "Invalid JWT Signature." }, { status: 400 }) : Response.json({ access_token: "ok", expires_in: 3600 })
    )
    const error = (await tokens.token(key).catch((e: unknown) => e)) as GoogleAuthError
    expect(error.kind).toBe("refused")
    expect(error.message).toBe("token endpoint answered 400: invalid_grant: Invalid JWT Signature.")
    refuse = false
    expect(await tokens.token(key)).toBe("ok")
    expect(requests).toHaveLength(2)
  })
})
