// The floor: the least a Worker can do in front of the upstream, a raw `fetch` passthrough. The
// failover row gets the least failover can be: buffer the body, try the primary, on 5xx the fallback.
export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    if (url.pathname.startsWith("/failover/")) {
      const body = await request.arrayBuffer()
      const rest = url.pathname.slice("/failover".length)
      const init = { method: request.method, headers: request.headers, body }
      const first = await fetch(env.UPSTREAM + "/fail529" + rest + url.search, init)
      if (first.status < 500) return first
      await first.arrayBuffer()
      return fetch(env.UPSTREAM + "/msg" + rest + url.search, init)
    }
    return fetch(env.UPSTREAM + url.pathname + url.search, { method: request.method, headers: request.headers, body: request.body })
  }
}
