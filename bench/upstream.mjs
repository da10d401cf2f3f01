// The benchmark's upstream: one loopback HTTP server in its own thread (so serving never competes
// with the load generator's event loop), answering every workload from pre-encoded bytes.
//
//   POST /msg/...              the non-streaming Messages answer (JSON)
//   POST /stream/...           the ~2,000-event Anthropic stream, in writes of `writeBytes`
//   POST /fail529/...          529 overloaded_error
//   POST /openai/...           an OpenAI Chat Completions stream with a tool call
//   POST /big/...              `bigBytes` of Anthropic stream, honouring backpressure
//   POST /probe/...            frames up to the first content delta, a pause of `probeDelayMs`, the rest
import { once } from "node:events"
import { createServer } from "node:http"
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads"
import * as P from "./payloads.mjs"

export const DEFAULTS = { streamEvents: 2000, writeBytes: 16 * 1024, openaiText: 100, openaiArgs: 200, bigBytes: 100 * 1024 * 1024, probeDelayMs: 300 }

const serve = async (options) => {
  const o = { ...DEFAULTS, ...options }
  const message = new TextEncoder().encode(P.anthropicMessage())
  const overloaded = new TextEncoder().encode(P.overloaded())
  const stream = P.group(P.anthropicStream(o.streamEvents), o.writeBytes)
  const openai = P.group(P.openaiToolCallStream(o.openaiText, o.openaiArgs), o.writeBytes)
  // The probe's first write ends with the first content event (the point where a stream commits).
  const probeFrames = P.anthropicStream(20)
  const firstContent = probeFrames.findIndex((f) => f.startsWith("event: content_block_delta")) + 1
  const probe = [P.group(probeFrames.slice(0, firstContent), Infinity)[0], ...P.group(probeFrames.slice(firstContent), 1)]
  const bigHead = P.bigStreamHead()
  const bigChunk = P.bigStreamChunk()
  const bigTail = P.bigStreamTail()
  const jsonHeaders = P.answerHeaders("application/json")
  const sseHeaders = P.answerHeaders("text/event-stream; charset=utf-8")
  const sockets = new Set()

  const writeAll = async (res, chunks) => {
    for (const c of chunks) if (!res.write(c)) await once(res, "drain")
    res.end()
  }

  const server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, (req, res) => {
    req.on("error", () => {})
    res.on("error", () => {})
    req.resume()
    req.on("end", () => {
      const route = (req.url ?? "/").split("/")[1]
      switch (route) {
        case "msg":
          res.writeHead(200, { ...jsonHeaders, "content-length": String(message.byteLength) }).end(message)
          return
        case "fail529":
          res.writeHead(529, { ...jsonHeaders, "content-length": String(overloaded.byteLength) }).end(overloaded)
          return
        case "stream":
          res.writeHead(200, sseHeaders)
          void writeAll(res, stream)
          return
        case "openai":
          res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
          void writeAll(res, openai)
          return
        case "big": {
          res.writeHead(200, sseHeaders)
          void (async () => {
            res.write(bigHead)
            for (let sent = 0; sent < o.bigBytes && !res.destroyed; sent += bigChunk.byteLength) {
              if (!res.write(bigChunk)) await once(res, "drain")
            }
            res.end(bigTail)
          })().catch(() => res.destroy())
          return
        }
        case "probe": {
          res.writeHead(200, sseHeaders)
          res.flushHeaders()
          const [first, ...rest] = probe
          res.write(first)
          setTimeout(() => void writeAll(res, rest).catch(() => res.destroy()), o.probeDelayMs)
          return
        }
        default:
          res.writeHead(404).end()
      }
    })
  })
  server.on("connection", (s) => {
    sockets.add(s)
    s.on("close", () => sockets.delete(s))
  })
  server.listen(0, "127.0.0.1")
  await once(server, "listening")
  const close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  return { url: `http://127.0.0.1:${server.address().port}`, close }
}

if (!isMainThread && workerData?.benchUpstream === true) {
  const { url, close } = await serve(workerData.options)
  parentPort.on("message", async (m) => {
    if (m === "close") {
      await close()
      parentPort.postMessage("closed")
      parentPort.close()
    }
  })
  parentPort.postMessage({ url })
}

/** Starts the upstream in a worker thread; `close` stops the server and the thread. */
export const startUpstream = async (options = {}) => {
  const worker = new Worker(new URL(import.meta.url), { workerData: { benchUpstream: true, options } })
  const [ready] = await Promise.race([
    once(worker, "message"),
    once(worker, "error").then(([e]) => Promise.reject(e))
  ])
  return {
    url: ready.url,
    close: async () => {
      worker.postMessage("close")
      await Promise.race([once(worker, "message"), new Promise((r) => setTimeout(r, 2000))])
      await worker.terminate()
    }
  }
}
