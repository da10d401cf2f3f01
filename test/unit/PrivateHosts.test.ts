/**
 * Private, loopback and link-local hosts are refused by their address, whatever the spelling: as a
 * provider's base URL, as a direct-route host and in settings.directHosts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { validate } from "../../src/Config/Validation.js"
import { isPrivateHost } from "../../src/Config/PrivateHosts.js"
import * as DirectRoute from "../../src/DirectRoute.js"

const PRIVATE = [
  // IPv4, every form the URL parser accepts
  "127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "017700000001", "127.255.255.254",
  "10.0.0.1", "012.0.0.1", "0xa.0.0.1", "167772161", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254",
  "100.64.0.1", "0.0.0.0", "0", "192.0.0.8", "198.18.0.1", "224.0.0.1", "255.255.255.255",
  // names
  "localhost", "LOCALHOST", "localhost.", "api.localhost", "printer.local", "metadata.google.internal",
  // IPv6
  "[::1]", "[0:0:0:0:0:0:0:1]", "[::]", "[fe80::1]", "[febf::1]", "[fc00::1]", "[fd12:3456::1]", "[ff02::1]",
  // IPv4 inside IPv6: mapped, compatible, NAT64, 6to4
  "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:127.0.0.1]", "[::ffff:10.0.0.1]", "[::ffff:169.254.169.254]",
  "[::FFFF:a9fe:a9fe]", "[::127.0.0.1]", "[64:ff9b::7f00:1]", "[64:ff9b::10.0.0.1]", "[2002:7f00:1::]", "[2002:a9fe:a9fe::1]",
  // with a port
  "127.0.0.1:9100", "[::ffff:127.0.0.1]:8080"
]

const PUBLIC = [
  "api.anthropic.com", "generativelanguage.googleapis.com", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1",
  "[2606:4700:4700::1111]", "[::ffff:8.8.8.8]", "[64:ff9b::808:808]", "[2002:808:808::1]", "api.groq.com:443"
]

const doc = (baseUrl: string) => ({ providers: [{ name: "p", format: "anthropic", baseUrl }] })
const guard = (host: string) => ({ enabled: true, hosts: [host], allowPrivate: false })

describe("private hosts", () => {
  it.each(PRIVATE)("%s is private", (host) => {
    expect(isPrivateHost(host)).toBe(true)
  })

  it.each(PUBLIC)("%s is public", (host) => {
    expect(isPrivateHost(host)).toBe(false)
  })

  it.each(PRIVATE)("%s is refused as a base URL, a direct-route host and a direct host", (host) => {
    const asUrl = validate(doc(`https://${host}/v1`), { allowPrivateUpstreams: false })
    expect(Either.isLeft(asUrl) && asUrl.left.map((i) => i.path.join("."))).toContain("providers.0.baseUrl")
    const target = DirectRoute.parse(`/openai/${encodeURIComponent(host)}/v1/v1/messages`)!
    const direct = DirectRoute.provider(target, "k", guard(target.host))
    expect(DirectRoute.isRefusal(direct) && direct.status).toBe(403)
    const listed = validate({ ...doc("https://api.anthropic.com"), settings: { directHosts: [host] } }, { allowPrivateUpstreams: false })
    expect(Either.isLeft(listed) && listed.left.map((i) => i.path.join("."))).toContain("settings.directHosts.0")
  })

  it.each(PUBLIC)("%s is accepted as a base URL and a direct-route host", (host) => {
    expect(Either.isRight(validate(doc(`https://${host}/v1`), { allowPrivateUpstreams: false }))).toBe(true)
    const target = DirectRoute.parse(`/openai/${encodeURIComponent(host)}/v1/v1/messages`)!
    expect(DirectRoute.isRefusal(DirectRoute.provider(target, "k", guard(target.host)))).toBe(false)
  })

  it("are all allowed where ALLOW_PRIVATE_UPSTREAMS says so", () => {
    expect(Either.isRight(validate(doc("http://[::ffff:127.0.0.1]:9100"), { allowPrivateUpstreams: true }))).toBe(true)
  })
})
