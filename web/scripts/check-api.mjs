// Fails when src/api/schema.d.ts is not what openapi-typescript makes of ../openapi.json now.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const web = new URL('..', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'api-check-'))
const fresh = join(dir, 'schema.d.ts')
try {
  execFileSync(
    join(web, 'node_modules/.bin/openapi-typescript'),
    [join(web, '../openapi.json'), '-o', fresh],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  const committed = readFileSync(join(web, 'src/api/schema.d.ts'), 'utf8')
  if (readFileSync(fresh, 'utf8') !== committed) {
    console.error('src/api/schema.d.ts is stale: run `npm run gen:api` and commit it.')
    process.exit(1)
  }
  console.log('src/api/schema.d.ts matches ../openapi.json')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
