/**
 * @module A Prometheus histogram kept in plain numbers: observing is a bucket search and three
 * additions (prom-client hashes the labels on every observation), rendered as text at scrape time.
 */

/** Upper bounds (seconds) of the duration buckets: 1 ms … 1000 s, as the original. */
export const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000];

/** One label set's observations; counts per bucket are not cumulative until rendered. */
export class PlainHistogram {
  private readonly bounds: readonly number[];
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(bounds: readonly number[] = durationBuckets) {
    this.bounds = bounds;
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  /** Records one value. */
  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]!) index++;
    this.counts[index]!++;
    this.sum += value;
    this.count++;
  }

  /** Sample lines in the exposition format; `labels` is `endpoint="/x"` or empty. */
  render(name: string, labels: string): string {
    const suffix = labels ? `,${labels}` : '';
    const braces = labels ? `{${labels}}` : '';
    let text = '';
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i]!;
      text += `${name}_bucket{le="${this.bounds[i]}"${suffix}} ${cumulative}\n`;
    }
    text += `${name}_bucket{le="+Inf"${suffix}} ${this.count}\n`;
    text += `${name}_sum${braces} ${this.sum}\n${name}_count${braces} ${this.count}\n`;
    return text;
  }
}

/** HELP and TYPE lines of a histogram family. */
export function histogramHeader(name: string, help: string): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} histogram\n`;
}
