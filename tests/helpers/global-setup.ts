// Builds Next once before any test starts a server, so parallel test files never race to build.
import { ensureBuild } from "../../lib/boot/ensure-build";

export default async function setup(): Promise<void> {
  await ensureBuild((message) => process.stderr.write(`${message}\n`));
}
