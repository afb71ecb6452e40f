// Prints the initial JavaScript of the build, gzipped: the entry chunk and every chunk that
// index.html loads or preloads (route chunks loaded later are listed apart). Fails above the budget.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = 150
const dist = new URL('../dist/', import.meta.url).pathname
const html = readFileSync(join(dist, 'index.html'), 'utf8')

const initial = new Set()
for (const match of html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/?(assets\/[^"]+\.js)"/g)) {
  initial.add(match[1])
}
// Static imports of the entry are preloaded by modulepreload links above; include any the
// HTML names and, to be safe, every chunk the entry imports statically.
const seen = new Set()
function walk(file) {
  if (seen.has(file)) return
  seen.add(file)
  initial.add(file)
  const code = readFileSync(join(dist, file), 'utf8')
  for (const m of code.matchAll(
    /(?:^|[;\s}])import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+\.js)["']/g,
  )) {
    walk(`assets/${m[1]}`)
  }
}
for (const file of [...initial]) walk(file)

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
const kb = (bytes) => (bytes / 1024).toFixed(1)
const all = readdirSync(join(dist, 'assets')).map((f) => `assets/${f}`)

let total = 0
console.log('\nInitial JavaScript (gzipped):')
for (const file of [...initial].sort()) {
  const size = gz(file)
  total += size
  console.log(`  ${file.padEnd(48)} ${kb(size).padStart(7)} KB`)
}
console.log(`  ${'TOTAL'.padEnd(48)} ${kb(total).padStart(7)} KB  (budget ${BUDGET_KB} KB)`)

const lazy = all.filter((f) => f.endsWith('.js') && !initial.has(f))
if (lazy.length) {
  console.log('Loaded on demand (gzipped):')
  for (const file of lazy.sort()) console.log(`  ${file.padEnd(48)} ${kb(gz(file)).padStart(7)} KB`)
}
const css = all.filter((f) => f.endsWith('.css'))
const cssTotal = css.reduce((sum, f) => sum + gz(f), 0)
console.log(`CSS (gzipped, all): ${kb(cssTotal)} KB\n`)

if (total / 1024 > BUDGET_KB) {
  console.error(`Initial JavaScript ${kb(total)} KB is over the ${BUDGET_KB} KB budget.`)
  process.exit(1)
}
