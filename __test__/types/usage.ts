// Compiled by types.test.ts with `tsc --noEmit --strict`: the declarations are valid and the
// result's unions are exact (each @ts-expect-error line must be an error).
import { auditLead, detectTechnologies, extractContacts, scoreLead } from '../../index.js'
import type { AuditOptions, AuditResult, ContactMethod, ErrorKind, Grade, LeadInput, Stage } from '../../index.js'

const options: AuditOptions = {
  timeout: 10,
  maxPages: 3,
  browser: 'auto',
  defaultRegion: 'GB',
  allowPrivateNetworks: false,
  userAgent: 'test',
  signal: new AbortController().signal,
  onProgress: (stage: Stage) => void stage,
  resolve: ['shop.test:127.0.0.1'],
  browserTabs: 2,
  browserTimeout: 15,
  chromePath: '/usr/bin/chromium',
  score: { hotThreshold: 70, youngDomainDays: 180 },
}

const lead: LeadInput = { leadId: 42, website: 'example.com', phone: 4155550132, force: true }

async function use(): Promise<void> {
  const r: AuditResult = await auditLead({ website: 'example.com', leadId: 7 }, options)
  const byLead: AuditResult = await auditLead(lead)
  const grade: 'HOT' | 'WARM' | 'COLD' = r.score.grade
  const kind: ErrorKind | undefined = r.error?.kind
  const via: 'http' | 'browser' | undefined = r.pages[0]?.via
  const n: number = r.durationMs
  const s: string | null | undefined = r.finalUrl
  const g: Grade = scoreLead(r, { hotThreshold: 50 }).grade
  const emails: string[] = extractContacts('<p>', { defaultRegion: 'US' }).emails
  const names: string[] = detectTechnologies({ url: 'https://a.test', html: '', headers: { server: 'nginx' } }).map(
    (t) => t.name,
  )
  const faxes: string[] = r.faxes
  const method: ContactMethod | undefined = r.contacts[0]?.source.method
  const role: boolean | undefined = r.contacts[0]?.role
  void [byLead, grade, kind, via, n, s, g, emails, names, faxes, method, role]

  // @ts-expect-error not a grade
  const bad: Grade = 'LUKEWARM'
  // @ts-expect-error not an error kind
  const badKind: ErrorKind = 'oops'
  // @ts-expect-error browser takes auto | always | never
  const badOptions: AuditOptions = { browser: 'sometimes' }
  // @ts-expect-error not a stage
  const badStage: Stage = 'sleeping'
  // @ts-expect-error a website is a string
  const badLead: LeadInput = { website: 42 }
  // @ts-expect-error resolve takes HOST:ADDR strings
  const badResolve: AuditOptions = { resolve: 'shop.test:127.0.0.1' }
  // @ts-expect-error not a contact method
  const badMethod: ContactMethod = 'pigeon'
  void [bad, badKind, badOptions, badStage, badLead, badResolve, badMethod]
}
void use
