/**
 * `npm run lint:electron [FOLDER]`: runs Doyensec's Electronegativity over `electron/` (or FOLDER)
 * and fails on any finding of medium or high severity (whatever its confidence), and on any file
 * it couldn't parse, since an unparsed file is an unchecked one. Low and informational findings
 * are listed, not fatal.
 *
 * A finding judged a false positive is silenced where it stands, with the tool's own inline
 * comment (`eng-disable CHECK_ID`) and a line saying why, so the reason is read with the code.
 *
 * Two of its global checks are left out of the scan (its documented `excludeFromScan`):
 * - `AvailableSecurityFixesGlobalCheck` downloads Electron's release list on every run, and only
 *   judges the Electron version named in a package.json, which `electron/` doesn't hold.
 * - `CSPGlobalCheck` finds a policy only as a string literal in HTML or in a `webRequest` header
 *   handler, so it reports "no CSP" for ours: one constant (electron/content-security.ts) that the
 *   app protocol sends on every response. The evaluator that check uses (Google's CSP Evaluator,
 *   as Doyensec packages it) judges that constant here instead, failing on what it calls high or
 *   medium, as the check would call the policy weak.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../electron/content-security';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const scannedDir = path.resolve(process.argv[2] ?? path.join(projectRoot, 'electron'));
/** How findings name the folder: as the project knows it. */
const scannedLabel = path.relative(projectRoot, scannedDir) || '.';
const require = createRequire(import.meta.url);
const toolDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
const toolRequire = createRequire(path.join(toolDir, 'package.json'));

/** The parts of a finding this report reads. */
interface Finding {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { value: number; name: string };
  confidence: { name: string };
  description: string;
  shortenedURL: string;
}

interface ScanResult {
  issues: Finding[];
  errors: { file: string; message: string; tolerable: boolean }[];
}

type Run = (options: Record<string, unknown>) => Promise<ScanResult>;

/** Severity values as the tool defines them (`finder/attributes.js`). */
const MEDIUM = 2;

/** The global checks left out of the scan, for the reasons at the top of this file. */
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck', 'CSPGlobalCheck'];

/** The parts of the CSP evaluator (`@doyensec/csp-evaluator`) read here. */
interface CspEvaluatorModule {
  CspParser: new (policy: string) => { csp: unknown };
  CspEvaluator: new (
    csp: unknown,
    version: unknown,
  ) => {
    evaluate(): { severity: number; directive: string; description: string }[];
  };
  Version: { CSP3: unknown };
  severities: Record<'HIGH' | 'SYNTAX' | 'MEDIUM', number>;
}

/** The renderer's policy as the CSP check would judge it: what must change, and what to keep in mind. */
function evaluatePolicy(): { weaknesses: string[]; notes: string[] } {
  const csp = toolRequire('@doyensec/csp-evaluator') as CspEvaluatorModule;
  const parsed = new csp.CspParser(CONTENT_SECURITY_POLICY);
  const findings = new csp.CspEvaluator(parsed.csp, csp.Version.CSP3).evaluate();
  const isWeakness = (severity: number): boolean =>
    severity === csp.severities.HIGH ||
    severity === csp.severities.SYNTAX ||
    severity === csp.severities.MEDIUM;
  const describe = (finding: { directive: string; description: string }): string =>
    `${finding.directive}: ${finding.description}`;
  return {
    weaknesses: findings.filter((finding) => isWeakness(finding.severity)).map(describe),
    notes: findings.filter((finding) => !isWeakness(finding.severity)).map(describe),
  };
}

/**
 * The tool's message loader first asks a web server for fresh translations on every run. Builds
 * and CI reach no such server (and shouldn't try), so its English messages, shipped in the
 * package, are loaded from disk instead: the same `i18n` set-up, without the download.
 */
function useShippedMessages(): void {
  const loaderPath = path.join(toolDir, 'dist', 'locales', 'i18n.js');
  const i18n = toolRequire('i18n') as { configure(options: Record<string, unknown>): void };
  const loadLocally = async (): Promise<void> => {
    i18n.configure({
      locales: ['en-US'],
      defaultLocale: 'en-US',
      directory: path.dirname(loaderPath),
      updateFiles: false,
      objectNotation: true,
      register: globalThis,
    });
  };
  const cache = toolRequire.cache as Record<string, unknown>;
  cache[loaderPath] = { id: loaderPath, filename: loaderPath, loaded: true, exports: loadLocally };
}

function electronVersion(): string {
  const manifest = JSON.parse(
    readFileSync(path.join(projectRoot, 'node_modules', 'electron', 'package.json'), 'utf8'),
  ) as { version: string };
  return manifest.version;
}

async function main(): Promise<void> {
  useShippedMessages();
  const run = toolRequire(toolDir) as Run;
  const { issues, errors } = await run({
    input: scannedDir,
    isRelative: true,
    electronVersionOverride: electronVersion(),
    excludeFromScan: EXCLUDED_CHECKS,
  });
  const policy = evaluatePolicy();
  const unparsed = errors.filter((error) => !error.tolerable);
  const blocking = issues.filter((issue) => issue.severity.value >= MEDIUM);
  const describe = (issue: Finding): string =>
    `  ${issue.severity.name} ${issue.id} (${issue.confidence.name}) at ${scannedLabel}/${issue.file}:${issue.location.line}:${issue.location.column}\n` +
    `    ${issue.description} ${issue.shortenedURL}`;
  for (const issue of issues) console.log(describe(issue));
  for (const error of unparsed)
    console.log(`  could not parse ${scannedLabel}/${error.file}: ${error.message}`);
  for (const weakness of policy.weaknesses) console.log(`  weak CSP: ${weakness}`);
  for (const note of policy.notes) console.log(`  CSP note (not fatal): ${note}`);
  if (blocking.length > 0 || unparsed.length > 0 || policy.weaknesses.length > 0) {
    console.error(
      `Electronegativity: ${blocking.length} medium or high finding(s), ${unparsed.length} unparsed file(s) ` +
        `and ${policy.weaknesses.length} CSP weakness(es) in ${scannedLabel}/: fix them, or, for a false positive, ` +
        'add `eng-disable <CHECK_ID>` beside it with the reason.',
    );
    process.exit(1);
  }
  console.log(
    `Electronegativity: no medium or high finding in ${scannedLabel}/ (${issues.length} low or informational).`,
  );
}

main().catch((error: unknown) => {
  console.error('Electronegativity could not run:', error);
  process.exit(1);
});
