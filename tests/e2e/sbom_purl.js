// Round-trips purls through an independent implementation, npm's packageurl-js (installed by
// scripts/setup-deps into .tools/node_modules): each must parse, and re-serialise to the same
// string. Usage: node sbom_purl.js NODE_MODULES_DIR < purls (one per line). Exit 1 on a mismatch.
'use strict'
const path = require('path')
const { PackageURL } = require(path.join(process.argv[2], 'packageurl-js'))
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter((l) => l.length > 0)
let bad = 0
for (const text of lines) {
  try {
    const again = PackageURL.fromString(text).toString()
    if (again !== text) {
      console.error(`purl changes on a round trip: ${text} -> ${again}`)
      bad++
    }
  } catch (e) {
    console.error(`purl does not parse: ${text}: ${e.message}`)
    bad++
  }
}
console.log(`sbom_purl: ${lines.length - bad} of ${lines.length} purls round-trip`)
process.exit(bad ? 1 : 0)
