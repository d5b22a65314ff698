/** Sample job calling another job (adder) through PUB, passing on the caller's auth and tracing id. */
import { callJob } from '@racetrack/job-runner/call';

export default class Doubler {
  /**
   * Double the sum of the numbers, using the adder job for the sum.
   * @param numbers values to add, then double
   */
  async perform(numbers: number[]): Promise<number> {
    const sum = (await callJob('adder', '/api/v1/perform', { numbers }, { version: 'latest' })) as number;
    return sum * 2;
  }

  docsInputExample() {
    return { numbers: [40, 2] };
  }
}
