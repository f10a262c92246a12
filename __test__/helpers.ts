// Shared by the bun tests: the addon, a fixture site on 127.0.0.1 and options for it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import type * as Native from '../index'

// The generated loader is CommonJS; `require` gives the same module Node users get.
export const native: typeof Native = require('../index.js')

export const fixture = (name: string) => readFileSync(join(import.meta.dir, 'fixtures', name), 'utf8')

/** Options for auditing servers on loopback without reaching the internet. */
export const local = {
  allowPrivateNetworks: true,
  domainLookup: false,
  browser: 'never',
  timeout: 20,
} satisfies Native.AuditOptions

type Routes = Record<string, (req: Request) => Response | Promise<Response>>

const html = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } })

/** The bakery site: a home page, a contact page and an about page, robots.txt allowing all. */
export const bakeryRoutes: Routes = {
  '/': () => html(fixture('home.html')),
  '/contact': () => html(fixture('contact.html')),
  '/about': () => html('<!doctype html><title>About</title><p>A family bakery since 1998.</p>'),
  '/robots.txt': () => new Response('User-agent: *\nAllow: /\n', { headers: { 'content-type': 'text/plain' } }),
}

/** Serves `routes` on 127.0.0.1 (unknown paths 404); returns the server and its base URL. */
export function serve(routes: Routes) {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 60,
    fetch(req) {
      const path = new URL(req.url).pathname
      const route = routes[path]
      return route ? route(req) : new Response('not found', { status: 404 })
    },
  })
  return { server, url: `http://127.0.0.1:${server.port}` }
}

/** The rejection of `p`, failing the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p
  } catch (e) {
    return e as Error & { code?: string }
  }
  throw new Error('expected the promise to reject, it resolved')
}

/** What `f` throws, failing the test when it returns. */
export function thrown(f: () => unknown): Error & { code?: string } {
  try {
    f()
  } catch (e) {
    return e as Error & { code?: string }
  }
  throw new Error('expected a throw, the call returned')
}
