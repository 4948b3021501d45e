// Names the Jest run's template database (TEST_TEMPLATE_DATABASE), so that libs/testing's
// createTestDatabase copies every test file's database from one template migrated once per run
// (made by the first file that needs one), and drops that template when the run ends.
const { Client } = require('pg');

const maintenanceUrl = () => process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function setup() {
  // Test workers start after global setup and inherit this.
  process.env.TEST_TEMPLATE_DATABASE = `la_template_${process.pid}_${Date.now().toString(36)}`;
}

async function teardown() {
  const client = new Client({ connectionString: maintenanceUrl(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${process.env.TEST_TEMPLATE_DATABASE}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

module.exports = { setup, teardown };
