// The package under Node's own runner (Node >= 20): it loads as ESM and CommonJS, audits a
// local site, runs the helpers and rejects with codes.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { after, before, test } from 'node:test'

import { auditLead, detectTechnologies, extractContacts, scoreLead } from '../../index.js'

const local = { allowPrivateNetworks: true, domainLookup: false, browser: 'never', timeout: 20 }
let server
let url

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<title>Node Joinery</title><a href="mailto:shop@nodejoinery.com">mail</a> <a href="tel:+442071234567">call</a>')
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${server.address().port}`
})
after(() => server.close())

test('runs on Node 20 or later', () => {
  assert.ok(Number(process.versions.node.split('.')[0]) >= 20, process.version)
})

test('CommonJS require gives the same exports', () => {
  const cjs = createRequire(import.meta.url)('../../index.js')
  assert.equal(cjs.auditLead, auditLead)
})

test('auditLead audits a local site with progress', async () => {
  const stages = []
  const r = await auditLead({ leadId: 'n1', website: url }, { ...local, onProgress: (s) => stages.push(s) })
  assert.equal(r.reachable, true)
  assert.equal(r.leadId, 'n1')
  assert.deepEqual(r.emails, ['shop@nodejoinery.com'])
  assert.deepEqual(r.phones, ['+442071234567'])
  assert.equal(stages.at(-1), 'done')
  assert.ok(['HOT', 'WARM', 'COLD'].includes(r.score.grade))
  assert.equal(scoreLead(JSON.parse(JSON.stringify(r))).grade, r.score.grade)
})

test('an aborted signal rejects with E_CANCELLED', async () => {
  await assert.rejects(auditLead(url, { ...local, signal: AbortSignal.abort() }), { code: 'E_CANCELLED' })
})

test('bad arguments reject or throw with codes', async () => {
  await assert.rejects(auditLead(42), { code: 'E_INVALID_ARG' })
  await assert.rejects(auditLead(url, { maxPages: -1 }), { code: 'E_INVALID_OPTIONS' })
  assert.throws(() => extractContacts(null), { code: 'E_INVALID_ARG' })
})

test('helpers work on inline HTML', () => {
  assert.deepEqual(extractContacts('<a href="mailto:a@b-shop.com">x</a>').emails, ['a@b-shop.com'])
  const techs = detectTechnologies({ url: 'https://x.test/', html: '<meta name="generator" content="WordPress 6.1">' })
  assert.ok(techs.some((t) => t.name === 'WordPress'))
})
