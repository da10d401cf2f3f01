/**
 * A streaming answer's translation as a plain object: upstream bytes in, Anthropic SSE bytes out, one
 * call per upstream chunk. The proxy runs it in a pull-based stream (`translateBody`), which costs
 * less per chunk than `pipeThrough` a TransformStream (no writable side, no pipe machinery); the
 * TransformStream form (`toTransformStream`) is there for code that wants to pipe.
 */

export interface StreamTranslator {
  /** The Anthropic bytes for one upstream chunk (undefined when it completed nothing yet). */
  readonly push: (chunk: Uint8Array) => Uint8Array | undefined
  /** The upstream ended: the last bytes (a proper end, or an error frame if it was cut short). */
  readonly end: () => Uint8Array | undefined
}

/** `body` translated chunk by chunk, as the client reads it. An upstream read error errors the stream. */
export const translateBody = (body: ReadableStream<Uint8Array>, translator: StreamTranslator): ReadableStream<Uint8Array> => {
  const reader = body.getReader()
  // A promise chain rather than an async function per pull: one promise less per chunk.
  const step = (controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> =>
    reader.read().then((r) => {
      if (r.done) {
        const last = translator.end()
        if (last !== undefined) controller.enqueue(last)
        controller.close()
        return
      }
      const out = translator.push(r.value)
      if (out === undefined) return step(controller)
      controller.enqueue(out)
    })
  return new ReadableStream<Uint8Array>({ pull: step, cancel: (reason) => reader.cancel(reason) }, { highWaterMark: 0 })
}

export const toTransformStream = (translator: StreamTranslator): TransformStream<Uint8Array, Uint8Array> =>
  new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const out = translator.push(chunk)
      if (out !== undefined) controller.enqueue(out)
    },
    flush(controller) {
      const out = translator.end()
      if (out !== undefined) controller.enqueue(out)
    }
  })
