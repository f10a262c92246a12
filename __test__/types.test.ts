// index.d.ts compiles under strict TypeScript and types the result with exact unions.
import { expect, test } from 'bun:test'
import { join } from 'node:path'

test('index.d.ts types the API strictly', () => {
  const root = join(import.meta.dir, '..')
  const tsc = Bun.spawnSync(
    [
      process.execPath === 'bun' ? 'bun' : process.execPath,
      join(root, 'node_modules/typescript/bin/tsc'),
      '--noEmit',
      '--strict',
      '--target', 'es2022',
      '--module', 'nodenext',
      '--moduleResolution', 'nodenext',
      '--lib', 'es2022,dom',
      join(import.meta.dir, 'types/usage.ts'),
    ],
    { cwd: root },
  )
  const out = tsc.stdout.toString() + tsc.stderr.toString()
  expect(out).toBe('')
  expect(tsc.exitCode).toBe(0)
}, 120_000)
