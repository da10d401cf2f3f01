/** The admin token check: constant-time, so the comparison leaks nothing about the token. */
export const constantTimeEqual = (a: string, b: string): boolean => {
  const enc = new TextEncoder()
  const x = enc.encode(a)
  const y = enc.encode(b)
  let diff = x.length ^ y.length
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i % (x.length || 1)] ?? 0) ^ (y[i % (y.length || 1)] ?? 0)
  return diff === 0
}

/** Whether `Authorization: Bearer <token>` carries the configured admin token (never true without one). */
export const isAdmin = (authorization: string | undefined, adminToken: string | undefined): boolean => {
  if (adminToken === undefined || adminToken.length === 0 || authorization === undefined) return false
  const m = /^Bearer\s+(.+)$/i.exec(authorization.trim())
  return m !== null && constantTimeEqual(m[1]!, adminToken)
}
