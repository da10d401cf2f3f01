/**
 * Validation of a config document: decode with the schema (src/Config/Document.ts), then the rules
 * that span fields (unique names, what each format needs, a pool's keys, stored keys need access
 * tokens, where upstreams may live), every problem reported with its path.
 */
import { Either, ParseResult, Schema } from "effect"
import { isPrivateHost, normalizeHost } from "./PrivateHosts.js"
import {
  baseUrlOf,
  ConfigDocument,
  isAwsFormat,
  isCloudFormat,
  isLocalOnlyUrl,
  type ProviderConfig,
  usesStoredCredential
} from "./Document.js"

/** One problem found in a document: where, and what. */
export interface ConfigIssue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

export interface ValidationOptions {
  /** a deployed Worker refuses http:// and private/loopback upstreams unless this is set */
  readonly allowPrivateUpstreams: boolean
}


/** A pool's own rules: one credential per key, no key twice, AWS pairs only on the AWS formats. */
const poolIssues = (p: ProviderConfig, i: number): Array<ConfigIssue> => {
  if (p.keys === undefined) return []
  const issues: Array<ConfigIssue> = []
  if (p.apiKey !== undefined) issues.push({ path: ["providers", i, "apiKey"], message: "give apiKey or keys, not both" })
  if (p.aws !== undefined) issues.push({ path: ["providers", i, "aws"], message: "give aws or keys (each with its own aws pair), not both" })
  if (p.format === "vertex") issues.push({ path: ["providers", i, "keys"], message: "a vertex provider signs with its serviceAccount; it takes no keys" })
  const seen = new Map<string, number>()
  p.keys.forEach((k, j) => {
    const at = ["providers", i, "keys", j]
    if ((k.key === undefined) === (k.aws === undefined)) {
      issues.push({ path: [...at, "key"], message: isAwsFormat(p.format) ? "give key (an API key) or aws (an access-key pair), one of them" : "is required" })
    }
    if (k.aws !== undefined && !isAwsFormat(p.format)) issues.push({ path: [...at, "aws"], message: "is for bedrock and claude-platform-aws providers only" })
    const id = k.key ?? k.aws?.accessKeyId
    if (id === undefined) return
    const first = seen.get(id)
    if (first !== undefined) issues.push({ path: [...at, k.key !== undefined ? "key" : "aws"], message: `the same key as keys[${first}]` })
    else seen.set(id, j)
  })
  return issues
}


/** What each format needs, and the fields only some formats take. */
const formatIssues = (p: ProviderConfig, i: number): Array<ConfigIssue> => {
  const issues: Array<ConfigIssue> = []
  const at = (field: string, message: string) => issues.push({ path: ["providers", i, field], message })
  const thinking = p.capabilities?.thinking
  if (typeof thinking === "object" && thinking.min > thinking.max) {
    issues.push({ path: ["providers", i, "capabilities", "thinking", "min"], message: `must not be above max (${thinking.max})` })
  }
  if (p.format !== "bedrock") {
    for (const field of ["api", "inferenceProfile"] as const) if (p[field] !== undefined) at(field, "is for bedrock providers only")
  } else if (p.api === "messages" && p.inferenceProfile !== undefined) {
    at("inferenceProfile", "is for InvokeModel (api: invoke); the Messages API takes no inference profile")
  }
  if (p.format !== "claude-platform-aws" && p.workspaceId !== undefined) at("workspaceId", "is for claude-platform-aws providers only")
  if (!isCloudFormat(p.format)) {
    if (p.baseUrl === undefined) at("baseUrl", "is required")
    for (const field of ["region", "project", "aws", "serviceAccount"] as const) {
      if (p[field] !== undefined) at(field, "is for the cloud formats only (bedrock, vertex, claude-platform-aws)")
    }
    return issues
  }
  if (p.region === undefined) at("region", `a ${p.format} provider needs its region`)
  if (isAwsFormat(p.format)) {
    if (p.aws === undefined && p.apiKey === undefined && p.keys === undefined) at("aws", `a ${p.format} provider needs aws credentials, an API key in apiKey, or keys`)
    if (p.aws !== undefined && p.apiKey !== undefined) at("apiKey", "give aws credentials or apiKey, not both")
    for (const field of ["project", "serviceAccount"] as const) if (p[field] !== undefined) at(field, "is for vertex providers only")
    if (p.format === "claude-platform-aws" && p.workspaceId === undefined) at("workspaceId", "Claude Platform on AWS needs the workspace id (sent as anthropic-workspace-id)")
  } else {
    if (p.project === undefined) at("project", "a vertex provider needs its Google Cloud project id")
    if (p.serviceAccount === undefined) at("serviceAccount", "a vertex provider needs a service-account key (the JSON Google issues)")
    if (p.aws !== undefined) at("aws", "is for bedrock providers only")
    if (p.apiKey !== undefined) at("apiKey", "a vertex provider signs with its serviceAccount, not an apiKey")
  }
  return issues
}

const crossFieldIssues = (doc: ConfigDocument, options: ValidationOptions): Array<ConfigIssue> => {
  const issues: Array<ConfigIssue> = []
  const seen = new Map<string, number>()
  doc.providers.forEach((p, i) => {
    const first = seen.get(p.name.toLowerCase())
    if (first !== undefined) {
      issues.push({ path: ["providers", i, "name"], message: `duplicate provider name "${p.name}" (also providers[${first}])` })
    } else seen.set(p.name.toLowerCase(), i)
    issues.push(...formatIssues(p, i), ...poolIssues(p, i))
    const baseUrl = baseUrlOf(p)
    if (baseUrl === "") return
    if (p.format !== "anthropic" && !isCloudFormat(p.format) && p.apiKey === undefined && p.keys === undefined && !isLocalOnlyUrl(baseUrl)) {
      issues.push({ path: ["providers", i, "apiKey"], message: `a ${p.format}-format provider needs its own apiKey` })
    }
    if (!options.allowPrivateUpstreams && isLocalOnlyUrl(baseUrl)) {
      issues.push({
        path: ["providers", i, "baseUrl"],
        message: "http:// and private or loopback hosts are refused unless ALLOW_PRIVATE_UPSTREAMS=true"
      })
    }
    const tokenUri = p.serviceAccount?.token_uri
    if (tokenUri !== undefined && !options.allowPrivateUpstreams && isLocalOnlyUrl(tokenUri)) {
      issues.push({
        path: ["providers", i, "serviceAccount", "token_uri"],
        message: "http:// and private or loopback hosts are refused unless ALLOW_PRIVATE_UPSTREAMS=true"
      })
    }
  })
  doc.settings.directHosts.forEach((host, i) => {
    const path = ["settings", "directHosts", i]
    if (normalizeHost(host) === undefined || /[/?#@\s]/.test(host)) issues.push({ path, message: "must be a host or host:port" })
    else if (!options.allowPrivateUpstreams && isPrivateHost(host)) {
      issues.push({ path, message: "private and loopback hosts are refused unless ALLOW_PRIVATE_UPSTREAMS=true" })
    }
  })
  const tokens = new Set<string>()
  doc.accessTokens.forEach((t, i) => {
    if (tokens.has(t.token)) issues.push({ path: ["accessTokens", i, "token"], message: "duplicate access token" })
    tokens.add(t.token)
  })
  if (doc.accessTokens.length === 0) {
    doc.providers.forEach((p, i) => {
      if (usesStoredCredential(p)) {
        issues.push({
          path: ["providers", i, p.apiKey !== undefined ? "apiKey" : p.keys !== undefined ? "keys" : "format"],
          message: "this provider uses credentials stored here, so the document needs at least one access token: " +
            "without one anybody who finds this URL could use them (the proxy would be an open relay)"
        })
      }
    })
  }
  return issues
}

const decode = Schema.decodeUnknownEither(ConfigDocument, { errors: "all", onExcessProperty: "error" })

/** Decode and check a candidate document; every problem comes back with its path. */
export const validate = (
  input: unknown,
  options: ValidationOptions
): Either.Either<ConfigDocument, ReadonlyArray<ConfigIssue>> =>
  Either.flatMap(
    Either.mapLeft(decode(input), (error) =>
      tidyIssues(ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => ({ path: i.path, message: i.message })))
    ),
    (doc) => {
      const issues = crossFieldIssues(doc, options)
      return issues.length === 0 ? Either.right(doc) : Either.left(issues)
    }
  )

const isPrefix = (prefix: ReadonlyArray<PropertyKey>, path: ReadonlyArray<PropertyKey>) =>
  prefix.length <= path.length && prefix.every((k, i) => k === path[i])

/**
 * One issue per problem. An optional field's union says "Expected undefined" beside the real issue
 * at or below it, and a literal union says "Expected a, actual x" once per member: those become one
 * "Expected a | b | c, actual x".
 */
const tidyIssues = (issues: ReadonlyArray<ConfigIssue>): ReadonlyArray<ConfigIssue> => {
  const useful = issues.filter((i) =>
    !(i.message.startsWith("Expected undefined,") && issues.some((o) => o !== i && !o.message.startsWith("Expected undefined,") && isPrefix(i.path, o.path)))
  )
  const out: Array<ConfigIssue> = []
  const literals = new Map<string, { issue: ConfigIssue; expected: Array<string>; actual: string }>()
  for (const issue of useful) {
    const m = /^Expected (.+), actual (.+)$/s.exec(issue.message)
    const key = JSON.stringify(issue.path.map(String))
    const seen = m === null ? undefined : literals.get(key)
    if (m !== null && seen !== undefined && seen.actual === m[2]) {
      seen.expected.push(m[1]!)
      continue
    }
    if (m !== null) literals.set(key, { issue, expected: [m[1]!], actual: m[2]! })
    out.push(issue)
  }
  return out.map((issue) => {
    const merged = literals.get(JSON.stringify(issue.path.map(String)))
    return merged !== undefined && merged.issue === issue && merged.expected.length > 1
      ? { path: issue.path, message: `Expected ${merged.expected.join(" | ")}, actual ${merged.actual}` }
      : issue
  })
}
