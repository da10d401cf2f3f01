// The workloads, shared by the workerd run and the in-process CPU run: what the client sends to the
// proxy and to the floor, and the config document the proxy runs with.
import * as P from "./payloads.mjs"

export const ADMIN_TOKEN = "bench-admin-token-0123456789abcdef"
export const ACCESS_TOKEN = "tok_bench_0123456789abcdef"
const CLIENT_KEY = "sk-ant-api03-bench-client-key"

/** The breaker never opens (cool-down 0), so every failover request really meets the 529. */
const noCooldown = { cooldown: { threshold: 100, baseMs: 0, maxMs: 0 } }

const passthroughConfig = (name, route) => (upstream) => ({
  providers: [{ name, format: "anthropic", baseUrl: `${upstream}/${route}`, retries: 0 }]
})

/**
 * Each workload: `proxy` and `floor` say what the client asks each Worker for (same body and
 * headers, the floor's path names the upstream route); `config` is the proxy's document.
 */
export const workloads = () => {
  const nonStreaming = P.claudeCodeBody(false)
  const streaming = P.claudeCodeBody(true)
  const client = P.claudeCodeHeaders({ "x-api-key": CLIENT_KEY })
  const tokenOnly = P.claudeCodeHeaders({ "x-failover-token": ACCESS_TOKEN })
  const both = P.claudeCodeHeaders({ "x-api-key": CLIENT_KEY, "x-failover-token": ACCESS_TOKEN })
  return {
    a: {
      title: "(a) passthrough, 50 KB body",
      stream: false,
      body: nonStreaming,
      headers: client,
      proxyPath: "/v1/messages?beta=true",
      floorPath: "/msg/v1/messages?beta=true",
      provider: "a-primary",
      config: passthroughConfig("a-primary", "msg")
    },
    b: {
      title: "(b) passthrough stream",
      stream: true,
      body: streaming,
      headers: client,
      proxyPath: "/v1/messages?beta=true",
      floorPath: "/stream/v1/messages?beta=true",
      provider: "b-primary",
      config: passthroughConfig("b-primary", "stream")
    },
    c: {
      title: "(c) failover 529 -> anthropic",
      stream: false,
      body: nonStreaming,
      headers: both,
      proxyPath: "/v1/messages?beta=true",
      floorPath: "/failover/v1/messages?beta=true",
      provider: "c-fallback",
      config: (upstream) => ({
        providers: [
          { name: "c-primary", format: "anthropic", baseUrl: `${upstream}/fail529`, retries: 0 },
          { name: "c-fallback", format: "anthropic", baseUrl: `${upstream}/msg`, apiKey: "sk-ant-bench-fallback-key", retries: 0 }
        ],
        accessTokens: [{ token: ACCESS_TOKEN, note: "bench" }],
        settings: noCooldown
      })
    },
    d: {
      title: "(d) openai stream, tool call",
      stream: true,
      body: streaming,
      headers: tokenOnly,
      proxyPath: "/v1/messages?beta=true",
      floorPath: "/openai/chat/completions",
      provider: "d-openai",
      config: (upstream) => ({
        providers: [{ name: "d-openai", format: "openai", baseUrl: `${upstream}/openai`, apiKey: "sk-bench-openai-key", retries: 0 }],
        accessTokens: [{ token: ACCESS_TOKEN, note: "bench" }]
      })
    },
    e: {
      title: "(e) 100 MB stream",
      stream: true,
      body: streaming,
      headers: client,
      proxyPath: "/v1/messages?beta=true",
      floorPath: "/big/v1/messages?beta=true",
      provider: "e-primary",
      config: passthroughConfig("e-primary", "big")
    },
    ...sizeWorkloads(client),
    probe: {
      title: "forwarding probe",
      stream: true,
      body: streaming,
      headers: client,
      proxyPath: "/v1/messages?beta=true",
      floorPath: "/probe/v1/messages?beta=true",
      provider: "probe-primary",
      config: passthroughConfig("probe-primary", "probe")
    }
  }
}

/** The non-streaming passthrough at the sizes a session grows through (MiB): latency and CPU per size. */
export const BODY_SIZES = [["s50k", "50 KB", 0], ["s500k", "500 KB", 0.5], ["s2m", "2 MB", 2], ["s8m", "8 MB", 8]]

const sizeWorkloads = (headers) =>
  Object.fromEntries(BODY_SIZES.map(([key, label, mib]) => {
    const body = P.claudeCodeConversation(mib * 1024 * 1024, false)
    return [key, {
      title: `(s) passthrough, ${label} body`,
      stream: false,
      body,
      bytes: body.byteLength,
      latencyOnly: true,
      headers,
      proxyPath: "/v1/messages?beta=true",
      floorPath: "/msg/v1/messages?beta=true",
      provider: `${key}-primary`,
      config: passthroughConfig(`${key}-primary`, "msg")
    }]
  }))
