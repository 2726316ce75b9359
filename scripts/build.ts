// `npm run build`: builds Next and stamps the build so `npm start` knows it is current.
import { ensureBuild } from "../lib/boot/ensure-build";

ensureBuild((message) => process.stderr.write(`${message}\n`), process.cwd(), true).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
