// The package installed into another project, as users get it: `npm install <checkout>`
// and `npm install <tarball from npm pack>`, then imported from Node and from Bun.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dir, '..')
const work = mkdtempSync(join(tmpdir(), 'lead-audit-native-install-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function run(cmd: string[], cwd: string) {
  const p = Bun.spawnSync(cmd, { cwd, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } })
  const out = p.stdout.toString() + p.stderr.toString()
  if (p.exitCode !== 0) throw new Error(`${cmd.join(' ')} exited ${p.exitCode}:\n${out}`)
  return p.stdout.toString()
}

// A consumer that imports the package by name and prints what it got.
const consumer = `
import { auditLead, extractContacts } from '@app/lead-audit-native'
const r = await auditLead({ website: 'http://not a url' })
const c = extractContacts('<a href="mailto:owner@consumer-shop.com">x</a>')
console.log(JSON.stringify({ kind: r.error.kind, grade: r.score.grade, emails: c.emails }))
`
const expected = { kind: 'invalid_url', grade: 'COLD', emails: ['owner@consumer-shop.com'] }

function project(name: string): string {
  const dir = join(work, name)
  run(['mkdir', '-p', dir], work)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }))
  writeFileSync(join(dir, 'main.mjs'), consumer)
  return dir
}

let tarball = ''
beforeAll(() => {
  run(['npm', 'pack', '--silent', '--pack-destination', work], root)
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!)
}, 300_000)

test.each(['checkout', 'tarball'])(
  'installed from the %s, it imports and works in Node and Bun',
  (source) => {
    const dir = project(`consumer-${source}`)
    run(['npm', 'install', '--no-audit', '--no-fund', '--loglevel=error', source === 'checkout' ? root : tarball], dir)
    for (const runtime of ['node', process.execPath]) {
      const out = run([runtime, 'main.mjs'], dir)
      expect(JSON.parse(out.trim())).toEqual(expected)
    }
  },
  300_000,
)
