// A credential is chosen by name (the credential node, the environment seeding), so a name is
// unique within its provider, whatever its case.
import type { QueryInterface } from 'sequelize';

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`CREATE UNIQUE INDEX credentials_name_key ON credentials (provider, lower(name))`);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`DROP INDEX credentials_name_key`);
}
