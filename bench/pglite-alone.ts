// Run by memory-start in a process of its own: opens the embedded database in the folder given
// (as the product does, socket server included), lets it settle, and prints its memory as JSON,
// to tell PGlite's share of the product's RSS from Node-RED's and ours.
import { openDatabase } from '../src/db/database';

async function main(): Promise<void> {
  const [dataDir, settleMs] = process.argv.slice(2);
  const db = await openDatabase({ embeddedDir: dataDir });
  try {
    await db.sequelize.query('SELECT count(*) FROM contacts');
    await new Promise((resolve) => setTimeout(resolve, Number(settleMs) || 0));
    console.log(JSON.stringify(process.memoryUsage()));
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
