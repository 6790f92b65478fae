import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchLogThroughput, type ThroughputRow } from './logThroughput.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function table(rows: ThroughputRow[]): string {
  const embedded = rows.find((r) => r.adapter === 'embedded log')!;
  const lines = [
    '| log | messages | produce msg/s | consume msg/s | embedded ÷ this (produce) | embedded ÷ this (consume) |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.adapter} | ${fmt(r.messages)} | ${fmt(r.producePerSecond)} | ${fmt(r.consumePerSecond)} | ${ratio(embedded.producePerSecond, r.producePerSecond)} | ${ratio(embedded.consumePerSecond, r.consumePerSecond)} |`,
    ),
  ];
  return lines.join('\n');
}

const messages = Number(process.env.BENCH_MESSAGES ?? 50_000);
process.stderr.write(`log throughput: ${messages} telemetry messages per adapter…\n`);
const rows = await benchLogThroughput(messages);
const header = `lambda-iot-kit bench, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
const text = `${header}\n\n${table(rows)}\n`;
process.stdout.write(text);
const out = path.resolve(process.env.LAMBDA_IOT_DATA_DIR ?? 'data', 'bench');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'latest.md'), text);
fs.writeFileSync(path.join(out, 'latest.json'), `${JSON.stringify({ header, rows }, null, 2)}\n`);
