/**
 * Where a byte sequence occurs in a byte array, natively where the runtime can: `Buffer#indexOf`
 * (Node, and Workers with `nodejs_compat`) is a native substring search, an order of magnitude
 * faster than any loop in JavaScript, and it needs no copy of the bytes. Elsewhere a loop over the
 * native single-byte `indexOf` does the same job.
 */
interface BufferLike {
  indexOf(value: Uint8Array, byteOffset?: number): number
}
interface BufferConstructorLike {
  from(buffer: ArrayBufferLike, byteOffset?: number, length?: number): BufferLike
  compare(a: Uint8Array, b: Uint8Array): number
}

const NativeBuffer: BufferConstructorLike | undefined = (() => {
  const candidate = (globalThis as { Buffer?: BufferConstructorLike }).Buffer
  return typeof candidate?.from === "function" ? candidate : undefined
})()

/** The first index of `needle` in `hay[from, to)`, or -1. */
export const indexOfBytes = (hay: Uint8Array, needle: Uint8Array, from: number, to: number): number => {
  if (needle.length === 0 || to - from < needle.length) return -1
  if (NativeBuffer !== undefined) {
    const at = NativeBuffer.from(hay.buffer, hay.byteOffset + from, to - from).indexOf(needle)
    return at < 0 ? -1 : at + from
  }
  return portableIndexOf(hay, needle, from, to)
}

/** The same search with only standard typed-array methods. */
export const portableIndexOf = (hay: Uint8Array, needle: Uint8Array, from: number, to: number): number => {
  const first = needle[0]!
  const last = to - needle.length
  for (let i = hay.indexOf(first, from); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
    let k = 1
    while (k < needle.length && hay[i + k] === needle[k]) k++
    if (k === needle.length) return i
  }
  return -1
}

interface TimingSafe {
  timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean
}
/** workerd's native comparison (`crypto.subtle.timingSafeEqual`), where there is one. */
const subtle = (globalThis as unknown as { crypto?: { subtle?: TimingSafe } }).crypto?.subtle
const nativeEqual = typeof subtle?.timingSafeEqual === "function" ? subtle.timingSafeEqual.bind(subtle) : undefined

/** Whether two byte arrays hold the same bytes (natively where the runtime can). */
export const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  if (nativeEqual !== undefined) return nativeEqual(a, b)
  if (NativeBuffer !== undefined) return NativeBuffer.compare(a, b) === 0
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
