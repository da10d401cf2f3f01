/**
 * The library as another Effect service sees it. The package is built as `npm run build:lib` builds
 * it (tsconfig.lib.json, into a scratch copy), packed with `npm pack` and unpacked into a throwaway
 * project whose only other modules are links to this repository's `effect`, `@effect/platform`,
 * `aws4fetch` (the package's dependencies), `@effect/platform-node` and `@types/node` (no network). A consumer written against
 * `"claude-failover"` alone is type-checked with NodeNext resolution through the package's `exports`
 * and its declarations, with Node's globals only (no DOM, no Workers types), then compiled and run
 * with plain Node against a fake upstream: the first provider answers 529, the chain fails over to
 * an OpenAI-format one whose answer comes back as an Anthropic message, and the typed admin client
 * reads a fake admin API. The code blocks of the README's "Use it as a library" section and of docs/library.md are
 * type-checked in the same project.
 *
 * Apart from that, the library entry is bundled for a neutral platform: every import that remains
 * must be `effect`, `@effect/platform` or `aws4fetch` (no `cloudflare:*`, no `node:*`, no Worker entry).
 */
import { execFile } from "node:child_process"
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises"
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import * as esbuild from "esbuild"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
const exec = promisify(execFile)
const TSC = join(root, "node_modules", "typescript", "bin", "tsc")
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const quietNpm = { ...process.env, npm_config_update_notifier: "false", npm_config_audit: "false", npm_config_fund: "false", npm_config_offline: "true" }

/** Modules of this repository the consumer may use besides the package itself. */
const LINKED = ["effect", "@effect/platform", "aws4fetch", "@effect/platform-node", "@types/node"]

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2022"],
    types: ["node"],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    rootDir: "src",
    outDir: "out"
  },
  include: ["src"]
}

/** The consumer: an Effect HTTP service that uses the translator, the chain and the admin client. */
const CONSUMER = `
import { FetchHttpClient, HttpApiClient, HttpApp, HttpClient, HttpClientRequest, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import {
  adapterFor, AdminApi, Chain, compileModels, Health, type MessageResponse, type MessagesRequest, OpenAiFormat, Provider,
  Reply, Settings, upstreamRequest, validate
} from "claude-failover"
import { Effect, Either, Logger, LogLevel } from "effect"

const fake = process.env.FAKE_URL ?? "http://127.0.0.1:9"

// The translator on its own: Anthropic Messages in, an OpenAI Chat Completions request out.
const request: MessagesRequest = { model: "claude-sonnet-4-5", max_tokens: 64, messages: [{ role: "user", content: "hello" }] }
const translation = OpenAiFormat.translate(request, { provider: { name: "backup", baseUrl: fake + "/backup/v1" }, model: "gpt-test" })
const chatBody = JSON.parse(translation.body) as { model: string; messages: Array<{ role: string; content: unknown }> }

// The config schemas: a whole document, validated as the admin API does.
const document = validate({
  providers: [
    { name: "primary", format: "anthropic", baseUrl: fake + "/primary", apiKey: "sk-primary", retries: 0 },
    { name: "backup", format: "openai", baseUrl: fake + "/backup/v1", apiKey: "sk-backup", retries: 0, models: { "claude-*": "gpt-test" } }
  ],
  accessTokens: [{ token: "a-long-enough-access-token" }]
}, { allowPrivateUpstreams: true })
if (Either.isLeft(document)) throw new Error("invalid document: " + JSON.stringify(document.left))
const settings: Settings = document.right.settings

const providers = document.right.providers.map((config) =>
  Provider.make(config, { mapModel: compileModels(config.models), adapter: adapterFor(config.format), settings })
)

// The chain inside another Effect HTTP service.
const messages = Effect.gen(function*() {
  const json = (yield* (yield* HttpServerRequest.HttpServerRequest).json) as MessagesRequest
  const upstream = upstreamRequest(json)
  const answer = yield* Chain.run(providers, upstream, settings).pipe(
    Effect.match({
      onSuccess: (ok) => Reply.fromReply(ok.reply, ok.provider, upstream.requestId, { "x-failed-over": ok.failedOver.join(",") }),
      onFailure: (failure) => Reply.fromFailure(failure, upstream.requestId, {})
    })
  )
  return HttpServerResponse.fromWeb(new Response(answer.body, { status: answer.status, headers: answer.headers }))
})
const app = HttpRouter.empty.pipe(HttpRouter.post("/v1/messages", messages))
const { handler, dispose } = HttpApp.toWebHandlerLayer(app, Health.layerMemory)

// The typed admin client against a (fake) deployed proxy.
const adminHealth = Effect.gen(function*() {
  const admin = yield* HttpApiClient.make(AdminApi, {
    baseUrl: fake,
    transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken("admin-secret"))
  })
  const health = yield* admin.health.getHealth()
  return health.providers.map((p) => p.name + ":" + p.state)
}).pipe(Effect.provide(FetchHttpClient.layer), Logger.withMinimumLogLevel(LogLevel.Warning))

const main = async () => {
  const response = await handler(new Request("http://service.local/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request)
  }))
  const message = (await response.json()) as MessageResponse
  const health = await Effect.runPromise(adminHealth)
  await dispose()
  return {
    translation: { url: translation.url, model: chatBody.model, messages: chatBody.messages },
    served: {
      status: response.status,
      provider: response.headers.get("x-failover-provider"),
      failedOver: response.headers.get("x-failed-over"),
      type: message.type,
      model: message.model,
      text: message.content.map((b) => (b.type === "text" && "text" in b ? b.text : "")).join("")
    },
    health
  }
}

main().then(
  (result) => console.log("RESULT " + JSON.stringify(result)),
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  }
)
`

/** The ```ts blocks of the README's "Use it as a library" section and of docs/library.md (each once). */
const readmeExamples = async (): Promise<Array<string>> => {
  const readme = await readFile(join(root, "README.md"), "utf8")
  const start = readme.indexOf("## Use it as a library")
  const next = start === -1 ? -1 : readme.indexOf("\n## ", start + 1)
  const section = start === -1 ? "" : readme.slice(start, next === -1 ? undefined : next)
  const library = await readFile(join(root, "docs", "library.md"), "utf8")
  const blocks = (text: string) => [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "")
  return [...new Set([...blocks(section), ...blocks(library)])]
}

interface Seen {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
  readonly body: string
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((done) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => done(Buffer.concat(chunks).toString("utf8")))
  })

/** 529 for the primary, an OpenAI chat completion for the backup, a health list for the admin API. */
const fakeUpstream = (seen: Array<Seen>) =>
  createServer(async (req, res) => {
    const path = req.url ?? ""
    const body = await readBody(req)
    seen.push({ method: req.method ?? "", path, authorization: req.headers.authorization, body })
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" })
      res.end(JSON.stringify(value))
    }
    if (req.method === "POST" && path === "/primary/v1/messages") {
      return json(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } })
    }
    if (req.method === "POST" && path === "/backup/v1/chat/completions") {
      return json(200, {
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "gpt-test",
        choices: [{ index: 0, message: { role: "assistant", content: "hello from backup" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 }
      })
    }
    if (req.method === "GET" && path === "/admin/api/health") {
      if (req.headers.authorization !== "Bearer admin-secret") {
        return json(401, { type: "error", error: { type: "authentication_error", message: "bad token" } })
      }
      const provider = (name: string) => ({
        name, enabled: true, state: "closed", consecutiveFailures: 0, openUntil: 0, requests: 0, successes: 0, failures: 0
      })
      return json(200, { scope: "isolate", providers: [provider("primary"), provider("backup")] })
    }
    json(404, { type: "error", error: { type: "not_found_error", message: path } })
  })

describe("the library entry", () => {
  it("bundles for a neutral platform with effect, @effect/platform and aws4fetch as its only imports", async () => {
    const result = await esbuild.build({
      entryPoints: [join(root, "src/lib.ts")],
      bundle: true,
      platform: "neutral",
      format: "esm",
      write: false,
      outfile: "lib.js",
      metafile: true,
      logLevel: "silent",
      external: ["effect", "effect/*", "@effect/platform", "@effect/platform/*", "aws4fetch"]
    })
    const output = Object.values(result.metafile.outputs)[0]
    const imports = [...new Set((output?.imports ?? []).map((i) => i.path))]
    expect(imports.length).toBeGreaterThan(0)
    for (const path of imports) expect(path).toMatch(/^(effect|@effect\/platform|aws4fetch)(\/|$)/)
    const inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, resolve(root, p)).replaceAll("\\", "/"))
    for (const input of inputs) expect(input).toMatch(/^src\//)
    for (const entry of ["src/index.ts", "src/App.ts", "src/Proxy.ts", "src/Quota/QuotaObject.ts"]) {
      expect(inputs).not.toContain(entry)
    }
    const text = result.outputFiles?.[0]?.text ?? ""
    expect(text).not.toMatch(/["']cloudflare:/)
    expect(text).not.toMatch(/["']node:/)
  }, 30_000)
})

describe("a consumer of the packed package", () => {
  const seen: Array<Seen> = []
  let server: Server
  let fakeUrl = ""
  let work = ""
  let project = ""

  beforeAll(async () => {
    server = fakeUpstream(seen)
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done))
    fakeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

    work = await mkdtemp(join(tmpdir(), "claude-failover-consumer-"))
    project = join(work, "consumer")
    // What `npm run build:lib` and `npm pack` make, built in a scratch copy so that runs never share dist/.
    const pkg = join(work, "package")
    await mkdir(pkg)
    await Promise.all(["package.json", "README.md", "LICENSE"].map(async (f) => writeFile(join(pkg, f), await readFile(join(root, f)))))
    await exec(process.execPath, [TSC, "-p", join(root, "tsconfig.lib.json"), "--outDir", join(pkg, "dist")], { cwd: root })
    const { stdout } = await exec(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: pkg, env: quietNpm })
    const [pack] = JSON.parse(stdout) as Array<{ filename: string }>
    if (pack === undefined) throw new Error("npm pack reported nothing")

    const installed = join(project, "node_modules", "claude-failover")
    await mkdir(installed, { recursive: true })
    await exec("tar", ["-xzf", join(work, pack.filename), "-C", installed, "--strip-components=1"])
    for (const name of LINKED) {
      await mkdir(dirname(join(project, "node_modules", name)), { recursive: true })
      await symlink(join(root, "node_modules", name), join(project, "node_modules", name), "junction")
    }
    await mkdir(join(project, "src"), { recursive: true })
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
    await writeFile(join(project, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2))
    await writeFile(join(project, "src", "main.ts"), CONSUMER)
    const examples = await readmeExamples()
    await Promise.all(examples.map((code, i) => writeFile(join(project, "src", `readme-${i + 1}.ts`), code)))
  }, 180_000)

  afterAll(async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()))
    if (work !== "") await rm(work, { recursive: true, force: true })
  })

  it("packs the compiled entry and its declarations, and no sources or local secrets", async () => {
    const list = async (cwd: string) => {
      const { stdout } = await exec(npm, ["pack", "--dry-run", "--ignore-scripts", "--json"], { cwd, env: quietNpm })
      return (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((f) => f.path) ?? []
    }
    const built = await list(join(work, "package"))
    expect(built).toEqual(expect.arrayContaining(["package.json", "README.md", "LICENSE", "dist/lib.js", "dist/lib.d.ts", "dist/Chain.js"]))
    // The repository itself, whatever its dist/ holds: the "files" field keeps everything else out.
    const fromRepo = await list(root)
    expect(fromRepo.filter((p) => !["package.json", "README.md", "LICENSE"].includes(p) && !p.startsWith("dist/"))).toEqual([])
  }, 60_000)

  it("type-checks against the package's exports (NodeNext), README examples included", async () => {
    expect((await readmeExamples()).length).toBeGreaterThan(0)
    const result = await exec(process.execPath, [TSC, "-p", project], { cwd: project }).catch((e: { stdout?: string; stderr?: string }) => e)
    expect(`${result.stdout ?? ""}${result.stderr ?? ""}`).toBe("")
  }, 120_000)

  it("runs on Node: the chain fails over to the translated provider, and the admin client reads the API", async () => {
    const { stdout } = await exec(process.execPath, [join(project, "out", "main.js")], {
      cwd: project,
      env: { ...process.env, FAKE_URL: fakeUrl }
    })
    const line = stdout.split("\n").find((l) => l.startsWith("RESULT "))
    expect(line, stdout).toBeDefined()
    const result = JSON.parse((line ?? "").slice("RESULT ".length)) as {
      translation: { url: string; model: string; messages: Array<{ role: string; content: unknown }> }
      served: { status: number; provider: string; failedOver: string; type: string; model: string; text: string }
      health: Array<string>
    }
    expect(result.translation.url).toBe(`${fakeUrl}/backup/v1/chat/completions`)
    expect(result.translation.model).toBe("gpt-test")
    expect(result.translation.messages).toContainEqual({ role: "user", content: "hello" })
    expect(result.served).toEqual({
      status: 200,
      provider: "backup",
      failedOver: "primary",
      type: "message",
      model: "claude-sonnet-4-5",
      text: "hello from backup"
    })
    expect(result.health).toEqual(["primary:closed", "backup:closed"])

    const calls = seen.map((s) => `${s.method} ${s.path}`)
    expect(calls).toEqual(["POST /primary/v1/messages", "POST /backup/v1/chat/completions", "GET /admin/api/health"])
    expect(JSON.parse(seen[1]?.body ?? "{}")).toMatchObject({ model: "gpt-test" })
    expect(seen[1]?.authorization).toBe("Bearer sk-backup")
  }, 60_000)

  it("exposes nothing but its entry", async () => {
    const probe = `import("claude-failover/dist/Chain.js").then(() => console.log("reachable"), (e) => console.log(e.code))`
    const { stdout } = await exec(process.execPath, ["--input-type=module", "-e", probe], { cwd: project })
    expect(stdout.trim()).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  }, 30_000)
})
