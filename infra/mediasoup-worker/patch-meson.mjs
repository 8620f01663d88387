// Rewrites mediasoup 3.12.16's worker meson files so that the worker builds offline
// against Debian 12's libraries instead of meson subprojects fetched from the internet.
// Usage: node patch-meson.mjs WORKER_DIR
// Every replacement must match exactly once; if mediasoup's files change, this fails loudly.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const workerDir = process.argv[2];
if (!workerDir) {
  process.stderr.write('usage: node patch-meson.mjs WORKER_DIR\n');
  process.exit(2);
}

function replaceOnce(text, from, to, file) {
  const at = text.indexOf(from);
  if (at === -1 || text.indexOf(from, at + 1) !== -1) {
    throw new Error(`${file}: expected exactly one occurrence of: ${from.slice(0, 60)}…`);
  }
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function replaceBetween(text, startMarker, endMarker, to, file) {
  const start = text.indexOf(startMarker);
  const end = text.indexOf(endMarker, start);
  if (start === -1 || end === -1) {
    throw new Error(`${file}: markers not found: ${startMarker.slice(0, 40)} … ${endMarker.slice(0, 40)}`);
  }
  return text.slice(0, start) + to + text.slice(end);
}

const debianDeps = `openssl_dep = dependency('openssl')
nlohmann_json_dep = dependency('nlohmann_json')
libuv_dep = dependency('libuv')
libsrtp2_dep = dependency('libsrtp2')
usrsctp_dep = dependency('usrsctp')
absl_deps = [
  dependency('absl_flat_hash_map'),
  dependency('absl_flat_hash_set'),
  dependency('absl_btree'),
  dependency('absl_inlined_vector'),
  dependency('absl_strings'),
  dependency('absl_optional'),
  dependency('absl_variant'),
]
`;

{
  const file = join(workerDir, 'meson.build');
  let text = readFileSync(file, 'utf8');
  text = replaceOnce(text, "meson_version: '>= 1.1.0'", "meson_version: '>= 1.0.0'", file);
  text = replaceBetween(text, 'openssl_proj = subproject(', 'libwebrtc_include_directories', debianDeps, file);
  text = replaceBetween(
    text,
    'dependencies = [',
    "if host_machine.system() == 'windows'\n  wingetopt_proj",
    `dependencies = absl_deps + [
  openssl_dep,
  nlohmann_json_dep,
  libuv_dep,
  libsrtp2_dep,
  usrsctp_dep,
  libwebrtc_dep,
]

link_whole = [
  libwebrtc,
]

`,
    file,
  );
  // Drop the catch2 test and fuzzer targets: they need subprojects we do not have.
  const testsAt = text.indexOf('test_sources = [');
  if (testsAt === -1) throw new Error(`${file}: test_sources not found`);
  text = text.slice(0, testsAt);
  writeFileSync(file, text);
}

{
  const file = join(workerDir, 'deps', 'libwebrtc', 'meson.build');
  let text = readFileSync(file, 'utf8');
  text = replaceBetween(text, 'abseil_cpp_proj = subproject(', 'local_include_directories', '', file);
  text = text.replaceAll("openssl_proj.get_variable('openssl_dep')", 'openssl_dep');
  text = text.replaceAll("nlohmann_json_proj.get_variable('nlohmann_json_dep')", 'nlohmann_json_dep');
  text = text.replaceAll("libuv_proj.get_variable('libuv_dep')", 'libuv_dep');
  text = text.replaceAll(
    "    abseil_cpp_proj.get_variable('absl_strings_dep'),\n    abseil_cpp_proj.get_variable('absl_types_dep'),\n",
    '',
  );
  if (text.includes('_proj')) throw new Error(`${file}: unpatched subproject reference remains`);
  text = text.replaceAll('dependencies: [\n    local_include_directories,', 'dependencies: absl_deps + [\n    local_include_directories,');
  writeFileSync(file, text);
}
process.stdout.write('patched mediasoup worker meson files for Debian libraries\n');
