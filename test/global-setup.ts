import { execFileSync } from 'node:child_process';

/** Integration and browser tests run the built CLI and bundle: build them once, first. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
