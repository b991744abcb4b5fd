import type { Sql } from '../server/storage/sql.ts'
import { median } from './load.ts'

/**
 * The database's own ceiling on this machine, in the same run: a closed loop of single-row
 * autocommit INSERTs (one round trip and one commit each) with `concurrency` callers. A payment
 * needs several such statements, so this bounds what EPay can reach on the same database.
 */
export async function rawInsertLoop(sql: Sql, options: { seconds: number; concurrency: number; runs: number }): Promise<{ perSecond: number; samples: number[] }> {
  await sql.query(`CREATE TABLE IF NOT EXISTS bench_raw_insert (
    id bigserial PRIMARY KEY, project_id integer NOT NULL, payment_id text NOT NULL, amount bigint NOT NULL,
    currency text NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (project_id, payment_id))`)
  const samples: number[] = []
  let n = 0
  for (let run = 0; run < options.runs; run++) {
    let done = 0
    const started = performance.now()
    const deadline = started + options.seconds * 1000
    const worker = async () => {
      while (performance.now() < deadline) {
        await sql.query('INSERT INTO bench_raw_insert (project_id, payment_id, amount, currency, status) VALUES ($1, $2, $3, $4, $5)', [1, `raw-${process.pid}-${++n}`, 1999, 'EUR', 'new'])
        done++
      }
    }
    await Promise.all(Array.from({ length: options.concurrency }, worker))
    samples.push(done / ((performance.now() - started) / 1000))
  }
  await sql.query('DROP TABLE bench_raw_insert')
  return { perSecond: median(samples), samples }
}
