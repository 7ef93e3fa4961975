export interface DemoFlags {
  buyers: number;
  stock: number;
  durationSeconds: number;
  priceCents: number;
  /** Share of buyers seeded with less credit than the price. */
  poorShare: number;
  /** Free accounts without credit that keep trying to buy during the sale (hostile mode). */
  bots: number;
  keepData: boolean;
}

const USAGE = `usage: npm run demo -- [--buyers N] [--stock S] [--duration SECONDS] [--price CENTS] [--poor-share 0..1] [--bots N] [--keep-data]
  --buyers      buyers who register, open a WebSocket and try to buy (default 200)
  --stock       units on sale (default 60)
  --duration    how long buyers keep retrying returned units, at most (default 20)
  --price       coupon price in cents (default 2500)
  --poor-share  share of buyers seeded with too little credit (default 0.2)
  --bots        hostile mode: free accounts without credit that keep trying to buy during the sale (default 0)
  --keep-data   leave the demo database and Redis data in place at the end`;

function positiveInt(name: string, value: string | undefined, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new Error(`${name} must be an integer from 1 to ${max} (got ${value ?? "nothing"})\n${USAGE}`);
  return n;
}

export function parseFlags(argv: readonly string[]): DemoFlags {
  const flags: DemoFlags = { buyers: 200, stock: 60, durationSeconds: 20, priceCents: 2_500, poorShare: 0.2, bots: 0, keepData: false };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    switch (name) {
      case "--buyers":
        flags.buyers = positiveInt(name, value, 5_000);
        i++;
        break;
      case "--stock":
        flags.stock = positiveInt(name, value, 100_000);
        i++;
        break;
      case "--duration":
        flags.durationSeconds = positiveInt(name, value, 600);
        i++;
        break;
      case "--price":
        flags.priceCents = positiveInt(name, value, 1_000_000);
        i++;
        break;
      case "--poor-share": {
        const share = Number(value);
        if (!(share >= 0 && share < 1)) throw new Error(`--poor-share must be from 0 to below 1 (got ${value ?? "nothing"})\n${USAGE}`);
        flags.poorShare = share;
        i++;
        break;
      }
      case "--bots":
        flags.bots = positiveInt(name, value, 5_000);
        i++;
        break;
      case "--keep-data":
        flags.keepData = true;
        break;
      case "--help":
      case "-h":
        console.log(USAGE);
        return process.exit(0);
      default:
        throw new Error(`unknown flag ${name ?? ""}\n${USAGE}`);
    }
  }
  return flags;
}
